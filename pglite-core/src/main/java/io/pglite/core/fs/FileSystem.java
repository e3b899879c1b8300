package io.pglite.core.fs;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;

/**
 * The namespace one PGlite instance sees: a tree of volumes under {@code /}, and the POSIX
 * operations on it by path. Paths are absolute; symbolic links are followed (at most
 * {@value #MAX_SYMLINKS} per lookup). Every failure is an {@link ErrnoException}.
 *
 * <p>Not thread-safe, by design: an instance is confined to its engine thread. Only
 * {@link DataBundle} and {@link ClusterImage}, which are immutable, are shared between instances.
 *
 * <p>Permission bits are checked the way Emscripten checks them (any of the owner, group or other
 * bits grants): when a file is opened or {@linkplain #access accessed}. Directory permissions are
 * not enforced.
 */
public final class FileSystem {
    /** As a time of {@link #setTimes}: keep the current value. */
    public static final long UNCHANGED = Long.MIN_VALUE;

    private static final int MAX_SYMLINKS = 40;
    private static final int PATH_MAX = 4096;
    private static final int NAME_MAX = 255;

    private final MemoryVolume rootVolume;

    /** A file system with nothing but an empty root directory (mode 0755). */
    FileSystem() {
        this(new MemoryVolume(0755, MemoryNode.now()));
    }

    private FileSystem(MemoryVolume rootVolume) {
        this.rootVolume = rootVolume;
    }

    MemoryVolume rootVolume() {
        return rootVolume;
    }

    /**
     * The namespace PGlite's own JavaScript host sets up: the data bundle's files under
     * {@code /pglite} and {@code /home/postgres}, {@code /tmp}, {@code /dev/shm},
     * {@code /proc/self/fd}, the devices {@code /dev/null}, {@code /dev/tty}, {@code /dev/random}
     * and {@code /dev/urandom}, and {@code cluster} mounted at {@code /pglite/data} (PGDATA).
     * Directories have mode 0755, files 0644, except the programs {@code /pglite/bin/postgres} and
     * {@code /pglite/bin/initdb} (0555) and {@code /home/postgres/.pgpass} (0600).
     *
     * @param random the bytes of {@code /dev/random} and {@code /dev/urandom} (PostgreSQL reads its
     *        randomness there), e.g. a {@link java.security.SecureRandom}, or a seeded
     *        {@link Random} for repeatable tests
     */
    public static FileSystem forPglite(DataBundle bundle, Volume cluster, Random random) {
        MemoryVolume root = new MemoryVolume(0755, MemoryNode.now());
        FileSystem fs = new FileSystem(root);
        PgliteLayout.build(fs, root.root(), bundle, cluster, random);
        return fs;
    }

    /**
     * The state of every in-memory node now: directory entries, file contents (frozen and shared
     * copy-on-write with the live files), permissions and times, including the nodes of {@code open}
     * files that are no longer linked. Restored onto the same node objects, so open descriptors stay
     * valid.
     *
     * @throws UnsupportedOperationException when a host directory is mounted (a data directory on disk)
     */
    public FileSystemSnapshot snapshot(Iterable<OpenFile> open) {
        java.util.Map<MemoryNode, Object[]> states = new java.util.IdentityHashMap<>();
        java.util.Map<Node, MemoryNode> substitutes = new java.util.HashMap<>(); // host nodes are equal by path
        java.util.ArrayDeque<Node> pending = new java.util.ArrayDeque<>();
        pending.add(rootVolume.root());
        java.util.List<OpenFile> openFiles = new java.util.ArrayList<>();
        for (OpenFile file : open) {
            openFiles.add(file);
            if (file.node() instanceof MemoryNode) {
                pending.add(file.node());
            }
        }
        Node node;
        while ((node = pending.poll()) != null) {
            if (!(node instanceof MemoryNode memoryNode) || states.containsKey(memoryNode)) {
                continue;
            }
            Object content = memoryNode.captureContent();
            states.put(memoryNode, new Object[] {memoryNode.metadata(), content});
            if (content instanceof java.util.TreeMap<?, ?> children) {
                @SuppressWarnings("unchecked")
                java.util.Map<String, Node> entries = (java.util.Map<String, Node>) children;
                for (java.util.Map.Entry<String, Node> child : entries.entrySet()) {
                    if (child.getValue() instanceof HostNode host) {
                        child.setValue(captureHost(host, new MemoryVolume(0700, 0), states, substitutes));
                    } else {
                        pending.add(child.getValue());
                    }
                }
            }
        }
        for (OpenFile file : openFiles) {
            if (file.node() instanceof HostNode && !substitutes.containsKey(file.node())) {
                throw new UnsupportedOperationException("a snapshot cannot hold " + file.path()
                        + ", a file on disk that is open but no longer in the data directory");
            }
        }
        return new FileSystemSnapshot(this, states, substitutes);
    }

    /**
     * Reads a tree on disk into frozen in-memory nodes standing for it: how a snapshot holds a data
     * directory (its files are read once, into copy-on-write chunks).
     */
    private static MemoryNode captureHost(HostNode host, MemoryVolume volume, java.util.Map<MemoryNode, Object[]> states,
            java.util.Map<Node, MemoryNode> substitutes) {
        try {
            Stat stat = host.stat();
            long[] metadata = {stat.permissions(), stat.accessTime(), stat.modifyTime(), stat.changeTime()};
            MemoryNode copy;
            Object content;
            if (host instanceof HostDirectory directory) {
                copy = volume.root().children().isEmpty() && !substitutes.containsValue(volume.root())
                        ? volume.root() : new MemoryDirectory(volume, stat.permissions(), stat.modifyTime());
                substitutes.put(host, copy);
                java.util.TreeMap<String, Node> children = new java.util.TreeMap<>();
                for (DirEntry entry : directory.entries()) {
                    Node child = directory.lookup(entry.name());
                    if (child instanceof HostNode hostChild) {
                        children.put(entry.name(), captureHost(hostChild, volume, states, substitutes));
                    }
                }
                content = children;
            } else if (host instanceof HostFile file) {
                ChunkedContent bytes = new ChunkedContent();
                FileStorage storage = file.open(false);
                try {
                    byte[] buffer = new byte[1 << 16];
                    long position = 0;
                    int n;
                    while ((n = storage.read(position, buffer, 0, buffer.length)) > 0) {
                        bytes.write(position, buffer, 0, n);
                        position += n;
                    }
                } finally {
                    storage.close();
                }
                content = bytes.freeze();
                copy = new MemoryFile(volume, stat.permissions(), stat.modifyTime(), (SharedContent) content);
                substitutes.put(host, copy);
            } else {
                throw new UnsupportedOperationException("a snapshot cannot hold " + host.type() + " nodes of a data directory");
            }
            states.put(copy, new Object[] {metadata, content});
            return copy;
        } catch (ErrnoException e) {
            throw new IllegalStateException("could not read the data directory for a snapshot: " + e.getMessage(), e);
        }
    }

    /** Puts every node captured by {@code snapshot} back as it was; nodes made since are unlinked. */
    public void restore(FileSystemSnapshot snapshot) {
        if (snapshot.owner() != this) {
            throw new IllegalArgumentException("the snapshot belongs to another file system");
        }
        if (snapshot.heldFilesOnDisk()) {
            throw new UnsupportedOperationException("restoring a data directory on disk in place is not supported yet;"
                    + " start a clone from the snapshot instead (Pglite.Builder.withSnapshot)");
        }
        snapshot.states().forEach((node, state) -> {
            node.restoreMetadata((long[]) state[0]);
            node.restoreContent(state[1]);
        });
    }

    /**
     * Makes the in-memory part of this file system a copy of {@code foreign}, a snapshot of another
     * file system with the same layout (a clone): new nodes carry the snapshot's contents, shared
     * copy-on-write; this file system's volume roots and devices stay, at the same paths. Returns the
     * translation of the snapshot's open files into this file system.
     */
    public java.util.function.UnaryOperator<OpenFile> restoreCopy(FileSystemSnapshot foreign) {
        java.util.Map<MemoryNode, Object[]> states = foreign.states();
        java.util.Map<Node, Node> copies = new java.util.IdentityHashMap<>();
        java.util.Map<Volume, MemoryVolume> volumes = new java.util.IdentityHashMap<>();
        MemoryDirectory foreignRoot = foreign.owner().rootVolume.root();
        copies.put(foreignRoot, rootVolume.root());
        volumes.put(foreignRoot.volume(), rootVolume);
        java.util.ArrayDeque<java.util.Map.Entry<String, MemoryNode>> walk = new java.util.ArrayDeque<>();
        walk.add(java.util.Map.entry("", foreignRoot));
        java.util.Map.Entry<String, MemoryNode> at;
        while ((at = walk.poll()) != null) {
            if (!(at.getValue() instanceof MemoryDirectory directory)) {
                continue;
            }
            @SuppressWarnings("unchecked")
            java.util.Map<String, Node> children = (java.util.Map<String, Node>) states.get(directory)[1];
            for (java.util.Map.Entry<String, Node> child : children.entrySet()) {
                if (!(child.getValue() instanceof MemoryNode node) || copies.containsKey(node)) {
                    continue;
                }
                String path = at.getKey() + "/" + child.getKey();
                boolean volumeRoot = node instanceof MemoryDirectory && node.volume().root() == node;
                if (volumeRoot || node instanceof DeviceNode) {
                    Node mine = existingOrNull(path);
                    if (mine instanceof MemoryNode own && own.type() == node.type()) {
                        copies.put(node, own);
                        volumes.putIfAbsent(node.volume(), own.volume());
                    }
                }
                walk.add(java.util.Map.entry(path, node));
            }
        }
        states.forEach((node, state) -> copies.computeIfAbsent(node, n -> copyOf((MemoryNode) n, state, volumes)));
        states.forEach((node, state) -> {
            Node copy = copies.get(node);
            if (copy instanceof MemoryNode mine && !(node instanceof DeviceNode)) {
                mine.restoreMetadata((long[]) state[0]);
                if (node instanceof MemoryDirectory) {
                    @SuppressWarnings("unchecked")
                    java.util.Map<String, Node> children = (java.util.Map<String, Node>) state[1];
                    java.util.TreeMap<String, Node> mapped = new java.util.TreeMap<>();
                    children.forEach((name, child) -> {
                        Node target = copies.get(child);
                        if (target != null) {
                            mapped.put(name, target);
                        }
                    });
                    mine.restoreContent(mapped);
                } else {
                    mine.restoreContent(state[1]);
                }
            }
        });
        java.util.Map<Pipe, Pipe> pipes = new java.util.IdentityHashMap<>();
        return file -> translate(file, foreign, copies, pipes);
    }

    private static Node copyOf(MemoryNode node, Object[] state, java.util.Map<Volume, MemoryVolume> volumes) {
        MemoryVolume volume = volumes.getOrDefault(node.volume(), null);
        if (volume == null) {
            return null; // a device outside the tree (a console): the descriptors keep their own
        }
        long[] metadata = (long[]) state[0];
        if (node instanceof MemoryDirectory) {
            return new MemoryDirectory(volume, (int) metadata[0], metadata[2]);
        }
        if (node instanceof MemoryFile) {
            return new MemoryFile(volume, (int) metadata[0], metadata[2], (SharedContent) state[1]);
        }
        if (node instanceof Symlink link) {
            return new Symlink(volume, link.target(), metadata[2]);
        }
        return null;
    }

    private OpenFile translate(OpenFile file, FileSystemSnapshot foreign, java.util.Map<Node, Node> copies,
            java.util.Map<Pipe, Pipe> pipes) {
        Pipe pipe = Pipe.of(file);
        if (pipe != null) {
            Pipe copy = pipes.computeIfAbsent(pipe, Pipe::copy);
            return file.readable() ? copy.reader() : copy.writer();
        }
        java.util.Set<OpenFlag> flags = file.flags();
        Node node = copies.get(foreign.nodeOf(file));
        OpenFile copy;
        if (node instanceof MemoryFile memoryFile && !(file instanceof DirectoryHandle)) { // also a file on disk, held in memory
            copy = new FileHandle(file.path(), flags, memoryFile, memoryFile);
        } else if (file instanceof DirectoryHandle directory && node instanceof Directory mine) {
            copy = new DirectoryHandle(file.path(), flags, mine, directory.parentInode());
        } else if (node instanceof DeviceNode device) {
            copy = new DeviceHandle(file.path(), flags, device);
        } else {
            return null; // nothing to translate to: the caller keeps its own (standard streams)
        }
        copy.restorePosition(file.position());
        return copy;
    }

    private Node existingOrNull(String path) {
        try {
            return resolve(path, false).node();
        } catch (ErrnoException e) {
            return null;
        }
    }

    /**
     * Mounts {@code volume} at {@code path}, which must be a directory in a memory volume; what was
     * there is hidden (replaced) until something else is mounted there.
     */
    public void mount(String path, Volume volume) throws ErrnoException {
        Lookup at = resolve(path, true);
        if (at.node() == null) {
            throw new ErrnoException(Errno.ENOENT, path);
        }
        if (!(at.node() instanceof Directory)) {
            throw new ErrnoException(Errno.ENOTDIR, path);
        }
        if (at.name() == null) {
            throw new ErrnoException(Errno.EBUSY, path + " cannot be a mount point");
        }
        if (!(at.parent() instanceof MemoryDirectory parent)) {
            throw new ErrnoException(Errno.EINVAL, path + ": mount points must be in a memory volume");
        }
        parent.attach(at.name(), volume.root());
    }

    /**
     * Opens (and with {@link OpenFlag#CREATE} creates) a file, directory or device.
     *
     * @param permissions of a file this call creates (the caller has applied its umask)
     */
    public OpenFile open(String path, Set<OpenFlag> flags, int permissions) throws ErrnoException {
        boolean create = flags.contains(OpenFlag.CREATE);
        boolean exclusive = create && flags.contains(OpenFlag.EXCLUSIVE);
        Lookup at = resolve(path, !exclusive && !flags.contains(OpenFlag.NO_FOLLOW));
        Node node = at.node();
        boolean created = node == null;
        if (created) {
            if (!create) {
                throw new ErrnoException(Errno.ENOENT, path);
            }
            node = at.parent().createFile(at.name(), permissions);
        } else if (exclusive) {
            throw new ErrnoException(Errno.EEXIST, path);
        }
        if (node instanceof Symlink) {
            throw new ErrnoException(Errno.ELOOP, path + " is a symbolic link");
        }
        if (flags.contains(OpenFlag.DIRECTORY) && !(node instanceof Directory)) {
            throw new ErrnoException(Errno.ENOTDIR, path);
        }
        if (node instanceof Directory directory) {
            if (flags.contains(OpenFlag.WRITE) || create) {
                throw new ErrnoException(Errno.EISDIR, path);
            }
            long parentInode = at.name() == null ? directory.inode() : at.parent().inode();
            return new DirectoryHandle(path, flags, directory, parentInode);
        }
        if (!created) {
            checkAccess(node, flags.contains(OpenFlag.READ), flags.contains(OpenFlag.WRITE), false, path);
        }
        if (node instanceof DeviceNode device) {
            return new DeviceHandle(path, flags, device);
        }
        RegularFile file = (RegularFile) node;
        FileStorage storage = file.open(flags.contains(OpenFlag.WRITE));
        if (!created && flags.contains(OpenFlag.TRUNCATE) && flags.contains(OpenFlag.WRITE)) {
            try {
                storage.truncate(0);
            } catch (ErrnoException e) {
                storage.close();
                throw e;
            }
        }
        return new FileHandle(path, flags, file, storage);
    }

    /** Opens a device that has no name in the tree, such as a console behind descriptor 1. */
    public OpenFile openDevice(String name, Device device, Set<OpenFlag> flags) {
        return new DeviceHandle(name, flags, new DeviceNode(rootVolume, 0620, device));
    }

    public Stat stat(String path, boolean followLinks) throws ErrnoException {
        return existing(path, followLinks).stat();
    }

    /**
     * {@code access}: fails with {@code EACCES} unless the permission bits allow all of
     * {@code mode} ({@code R_OK} 4, {@code W_OK} 2, {@code X_OK} 1); 0 only checks existence.
     */
    public void access(String path, int mode, boolean followLinks) throws ErrnoException {
        checkAccess(existing(path, followLinks), (mode & 4) != 0, (mode & 2) != 0, (mode & 1) != 0, path);
    }

    public void mkdir(String path, int permissions) throws ErrnoException {
        Lookup at = resolve(path, false);
        if (at.node() != null) {
            throw new ErrnoException(Errno.EEXIST, path);
        }
        at.parent().createDirectory(at.name(), permissions);
    }

    /** Removes a name; a file still open stays readable and writable through its open files. */
    public void unlink(String path) throws ErrnoException {
        Lookup at = resolve(path, false);
        if (at.node() == null) {
            throw new ErrnoException(Errno.ENOENT, path);
        }
        if (at.node() instanceof Directory) {
            throw new ErrnoException(Errno.EISDIR, path);
        }
        at.parent().remove(at.name());
    }

    public void rmdir(String path) throws ErrnoException {
        Lookup at = resolve(path, false);
        Node node = at.node();
        if (node == null) {
            throw new ErrnoException(Errno.ENOENT, path);
        }
        if (!(node instanceof Directory directory)) {
            throw new ErrnoException(Errno.ENOTDIR, path);
        }
        if (at.name() == null || isMountPoint(at)) {
            throw new ErrnoException(Errno.EBUSY, path);
        }
        if (!directory.isEmpty()) {
            throw new ErrnoException(Errno.ENOTEMPTY, path);
        }
        at.parent().remove(at.name());
    }

    /**
     * {@code rename}: atomically replaces an existing target (a file by a file, an empty
     * directory by a directory). Fails with {@code EXDEV} across volumes, {@code EINVAL} when a
     * directory would move into itself, {@code EBUSY} for mount points.
     */
    public void rename(String from, String to) throws ErrnoException {
        Lookup source = resolve(from, false);
        Lookup target = resolve(to, false);
        Node node = source.node();
        if (node == null) {
            throw new ErrnoException(Errno.ENOENT, from);
        }
        if (source.name() == null || target.name() == null || isMountPoint(source)) {
            throw new ErrnoException(Errno.EBUSY, from + " -> " + to);
        }
        if (target.parent().volume() != node.volume()) {
            throw new ErrnoException(Errno.EXDEV, from + " -> " + to);
        }
        Node replaced = target.node();
        if (node.equals(replaced)) {
            return;
        }
        if (replaced != null) {
            checkReplaceable(node, replaced, target, to);
        }
        if (node instanceof Directory && target.directories().contains(node)) {
            throw new ErrnoException(Errno.EINVAL, to + " is inside " + from);
        }
        source.parent().move(source.name(), target.parent(), target.name());
    }

    public void symlink(String target, String path) throws ErrnoException {
        Lookup at = resolve(path, false);
        if (at.node() != null) {
            throw new ErrnoException(Errno.EEXIST, path);
        }
        at.parent().createSymlink(at.name(), target);
    }

    /** The target of a symbolic link; {@code EINVAL} for anything else. */
    public String readlink(String path) throws ErrnoException {
        Node node = existing(path, false);
        if (!(node instanceof Symlink link)) {
            throw new ErrnoException(Errno.EINVAL, path + " is not a symbolic link");
        }
        return link.target();
    }

    public void chmod(String path, int permissions, boolean followLinks) throws ErrnoException {
        existing(path, followLinks).chmod(permissions);
    }

    /** Sets access and modification times (nanoseconds since the epoch, or {@link #UNCHANGED}). */
    public void setTimes(String path, long accessTime, long modifyTime, boolean followLinks) throws ErrnoException {
        existing(path, followLinks).setTimes(accessTime, modifyTime);
    }

    /** {@code truncate}: cuts or grows (with zeros) the regular file at {@code path}. */
    public void truncate(String path, long size) throws ErrnoException {
        Node node = existing(path, true);
        if (node instanceof Directory) {
            throw new ErrnoException(Errno.EISDIR, path);
        }
        if (!(node instanceof RegularFile file) || size < 0) {
            throw new ErrnoException(Errno.EINVAL, path + ": truncate to " + size);
        }
        checkAccess(node, false, true, false, path);
        FileStorage storage = file.open(true);
        try {
            storage.truncate(size);
        } finally {
            storage.close();
        }
    }

    /** The whole content of a regular file. */
    public byte[] readAllBytes(String path) throws ErrnoException {
        OpenFile file = open(path, EnumSet.of(OpenFlag.READ), 0);
        try {
            long size = file.stat().size();
            if (file.type() != FileType.REGULAR || size > Integer.MAX_VALUE - 8) {
                throw new ErrnoException(file.type() == FileType.REGULAR ? Errno.EFBIG : Errno.EINVAL, path);
            }
            byte[] bytes = new byte[(int) size];
            int done = 0;
            while (done < bytes.length) {
                int n = file.read(bytes, done, bytes.length - done);
                if (n == 0) {
                    break;
                }
                done += n;
            }
            return done == bytes.length ? bytes : Arrays.copyOf(bytes, done);
        } finally {
            file.close();
        }
    }

    private static void checkReplaceable(Node node, Node replaced, Lookup target, String to) throws ErrnoException {
        if (isMountPoint(target)) {
            throw new ErrnoException(Errno.EBUSY, to);
        }
        if (node instanceof Directory) {
            if (!(replaced instanceof Directory directory)) {
                throw new ErrnoException(Errno.ENOTDIR, to);
            }
            if (!directory.isEmpty()) {
                throw new ErrnoException(Errno.ENOTEMPTY, to);
            }
        } else if (replaced instanceof Directory) {
            throw new ErrnoException(Errno.EISDIR, to);
        }
    }

    /** The root of a mounted volume, seen from the directory it is mounted in. */
    private static boolean isMountPoint(Lookup at) {
        return at.node().volume() != at.parent().volume();
    }

    private static void checkAccess(Node node, boolean read, boolean write, boolean execute, String path)
            throws ErrnoException {
        int permissions = node.stat().permissions();
        if (read && (permissions & 0444) == 0 || write && (permissions & 0222) == 0
                || execute && (permissions & 0111) == 0) {
            throw new ErrnoException(Errno.EACCES, path);
        }
    }

    private Node existing(String path, boolean followLinks) throws ErrnoException {
        Node node = resolve(path, followLinks).node();
        if (node == null) {
            throw new ErrnoException(Errno.ENOENT, path);
        }
        return node;
    }

    /**
     * Where a path leads: the directories walked (the parent on top), the last name, and the node
     * under it ({@code null} if there is none, so the caller may create it). A path ending in
     * {@code /}, {@code .} or {@code ..} leads to a directory itself and has no name.
     */
    private record Lookup(Deque<Directory> directories, String name, Node node) {
        Directory parent() {
            return directories.peek();
        }
    }

    private Lookup resolve(String path, boolean followLast) throws ErrnoException {
        if (path.isEmpty()) {
            throw new ErrnoException(Errno.ENOENT, "empty path");
        }
        if (path.length() > PATH_MAX) {
            throw new ErrnoException(Errno.ENAMETOOLONG, path.substring(0, 64) + "...");
        }
        Deque<String> pending = new ArrayDeque<>();
        addComponents(pending, path);
        Deque<Directory> directories = new ArrayDeque<>();
        directories.push(rootVolume.root());
        int links = 0;
        while (true) {
            String name = pending.pollFirst();
            if (name == null) {
                return new Lookup(directories, null, directories.peek());
            }
            if (name.equals("..")) {
                if (directories.size() > 1) {
                    directories.pop();
                }
                continue;
            }
            if (name.length() > NAME_MAX) {
                throw new ErrnoException(Errno.ENAMETOOLONG, path);
            }
            Node child = directories.peek().lookup(name);
            boolean last = pending.isEmpty();
            if (child instanceof Symlink link && (!last || followLast)) {
                if (++links > MAX_SYMLINKS) {
                    throw new ErrnoException(Errno.ELOOP, path);
                }
                Deque<String> rest = new ArrayDeque<>();
                addComponents(rest, link.target());
                rest.addAll(pending);
                pending = rest;
                if (link.target().startsWith("/")) {
                    directories.clear();
                    directories.push(rootVolume.root());
                }
            } else if (last) {
                return new Lookup(directories, name, child);
            } else if (child instanceof Directory directory) {
                directories.push(directory);
            } else {
                throw new ErrnoException(child == null ? Errno.ENOENT : Errno.ENOTDIR, path);
            }
        }
    }

    /** Adds the components of {@code path}, without empty ones and {@code .}. */
    private static void addComponents(Deque<String> into, String path) {
        for (String name : path.split("/")) {
            if (!name.isEmpty() && !name.equals(".")) {
                into.addLast(name);
            }
        }
    }
}
