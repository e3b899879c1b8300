package io.pglite.core.fs;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes a {@link FileSystemSnapshot} and the open files of its descriptor table to a snapshot file,
 * and reads them back as a stand-alone file system that only serves as the source of a clone.
 * Files of the shipped cluster pack as shipped, chunks shared with it and slices of the data
 * bundle are written as references: a file holds only what the instance changed.
 */
public final class SnapshotCodec {
    private static final byte DIRECTORY = 'D';
    private static final byte FILE = 'F';
    private static final byte SYMLINK = 'L';
    private static final byte DEVICE = 'V';
    private static final byte[] ZERO = ChunkedContent.ZERO;
    /** Stands for devices when reading: a clone uses its own devices, found by path. */
    private static final Device ABSENT = new Device() {
        @Override
        public int read(byte[] into, int offset, int length) throws ErrnoException {
            throw new ErrnoException(Errno.EIO, "a device of a snapshot file");
        }

        @Override
        public int write(byte[] from, int offset, int length) throws ErrnoException {
            throw new ErrnoException(Errno.EIO, "a device of a snapshot file");
        }
    };

    private final byte[] bundle;
    private final ClusterImage cluster;

    /** Against the shipped cluster image and data bundle of this build. */
    public SnapshotCodec(ClusterImage cluster, DataBundle bundle) {
        this.bundle = bundle.data();
        this.cluster = cluster;
    }

    /** Writes the file graph and {@code open}, the distinct open files with their positions then. */
    public void write(DataOutputStream out, FileSystemSnapshot snapshot, List<OpenFile> open, Map<OpenFile, Long> positions)
            throws IOException {
        Map<MemoryNode, Integer> ids = new IdentityHashMap<>();
        List<MemoryNode> nodes = new ArrayList<>(snapshot.states().keySet());
        MemoryDirectory root = snapshot.owner().rootVolume().root();
        nodes.remove(root);
        nodes.add(0, root);
        Map<MemoryVolume, Integer> volumes = new IdentityHashMap<>();
        volumes.put(root.volume(), 0);
        for (MemoryNode node : nodes) {
            ids.put(node, ids.size());
            volumes.putIfAbsent(node.volume(), volumes.size());
        }
        out.writeInt(volumes.size());
        for (MemoryVolume volume : volumes.keySet()) {
            Integer rootId = ids.get(volume.root());
            out.writeInt(rootId == null ? -1 : rootId);
        }
        out.writeInt(nodes.size());
        for (MemoryNode node : nodes) {
            Object[] state = snapshot.states().get(node);
            out.writeInt(volumes.get(node.volume()));
            for (long value : (long[]) state[0]) {
                out.writeLong(value);
            }
            if (node instanceof MemoryDirectory) {
                out.writeByte(DIRECTORY);
                @SuppressWarnings("unchecked")
                Map<String, Node> children = (Map<String, Node>) state[1];
                out.writeInt(children.size());
                for (Map.Entry<String, Node> child : children.entrySet()) {
                    out.writeUTF(child.getKey());
                    Integer id = ids.get(child.getValue());
                    if (id == null) {
                        throw new IllegalStateException("cannot write " + child.getKey() + ": not an in-memory node");
                    }
                    out.writeInt(id);
                }
            } else if (node instanceof MemoryFile) {
                out.writeByte(FILE);
                writeContent(out, (SharedContent) state[1]);
            } else if (node instanceof Symlink link) {
                out.writeByte(SYMLINK);
                out.writeUTF(link.target());
            } else {
                out.writeByte(DEVICE);
            }
        }
        Map<Pipe, Integer> pipes = new IdentityHashMap<>();
        out.writeInt(open.size());
        for (OpenFile file : open) {
            out.writeUTF(file.path());
            out.writeBoolean(file.readable());
            out.writeBoolean(file.writable());
            out.writeBoolean(file.append());
            out.writeBoolean(file.nonBlocking());
            out.writeLong(positions.getOrDefault(file, 0L));
            Pipe pipe = Pipe.of(file);
            if (pipe != null) {
                out.writeByte('P');
                Integer id = pipes.get(pipe);
                out.writeInt(id == null ? -1 : id);
                if (id == null) {
                    pipes.put(pipe, pipes.size());
                    byte[] buffered = pipe.buffered();
                    out.writeInt(buffered.length);
                    out.write(buffered);
                    out.writeBoolean(pipe.readerOpen());
                    out.writeBoolean(pipe.writerOpen());
                }
                continue;
            }
            Integer node = ids.get(snapshot.nodeOf(file));
            if (node == null) {
                throw new IllegalStateException("cannot write open file " + file.path() + ": its node is not in the snapshot");
            }
            Node held = snapshot.nodeOf(file);
            out.writeByte(held instanceof MemoryDirectory ? DIRECTORY : held instanceof DeviceNode ? DEVICE : FILE);
            out.writeInt(node);
            out.writeLong(file instanceof DirectoryHandle directory ? directory.parentInode() : 0);
        }
    }

    private void writeContent(DataOutputStream out, SharedContent content) throws IOException {
        if (content instanceof BundleSlice slice && slice.isOf(bundle)) {
            out.writeByte('B');
            out.writeInt(slice.offset());
            out.writeInt((int) slice.size());
            return;
        }
        if (content instanceof PackedContent packed && packed.isOf(cluster.chunks())) {
            out.writeByte('P'); // a cluster file as shipped
            out.writeInt(packed.index);
            return;
        }
        FrozenContent frozen = content instanceof FrozenContent f ? f : content.writableCopy().freeze();
        out.writeByte('Z');
        out.writeLong(frozen.size());
        out.writeInt(frozen.chunkCount());
        for (int i = 0; i < frozen.chunkCount(); i++) {
            byte[] chunk = frozen.chunk(i);
            int shared = chunk == null ? -1 : cluster.chunks().numberOf(chunk);
            if (chunk == null || Arrays.equals(chunk, ZERO)) {
                out.writeByte(0);
            } else if (shared >= 0) {
                out.writeByte(1);
                out.writeInt(shared);
            } else {
                out.writeByte(2);
                out.write(chunk);
            }
        }
    }

    /** A file graph read back: the snapshot to clone from and its open files, in the order written. */
    public record Read(FileSystemSnapshot snapshot, List<OpenFile> open) {
    }

    /** Reads what {@link #write} wrote. */
    public Read read(DataInputStream in) throws IOException {
        FileSystem owner = new FileSystem();
        int volumeCount = in.readInt();
        int[] volumeRoots = new int[volumeCount];
        MemoryVolume[] volumes = new MemoryVolume[volumeCount];
        for (int v = 0; v < volumeCount; v++) {
            volumeRoots[v] = in.readInt();
            volumes[v] = v == 0 ? owner.rootVolume() : new MemoryVolume(0700, 0);
        }
        int nodeCount = in.readInt();
        MemoryNode[] nodes = new MemoryNode[nodeCount];
        Object[][] states = new Object[nodeCount][];
        int[][] children = new int[nodeCount][];
        String[][] names = new String[nodeCount][];
        for (int id = 0; id < nodeCount; id++) {
            MemoryVolume volume = volumes[in.readInt()];
            long[] metadata = {in.readLong(), in.readLong(), in.readLong(), in.readLong()};
            byte kind = in.readByte();
            Object content = null;
            boolean isRoot = isVolumeRoot(volumeRoots, id);
            switch (kind) {
                case DIRECTORY:
                    nodes[id] = isRoot ? volume.root() : new MemoryDirectory(volume, (int) metadata[0], metadata[2]);
                    int count = in.readInt();
                    children[id] = new int[count];
                    names[id] = new String[count];
                    for (int c = 0; c < count; c++) {
                        names[id][c] = in.readUTF();
                        children[id][c] = in.readInt();
                    }
                    break;
                case FILE:
                    content = readContent(in);
                    nodes[id] = new MemoryFile(volume, (int) metadata[0], metadata[2], (SharedContent) content);
                    break;
                case SYMLINK:
                    nodes[id] = new Symlink(volume, in.readUTF(), metadata[2]);
                    break;
                case DEVICE:
                    nodes[id] = new DeviceNode(volume, (int) metadata[0], ABSENT);
                    break;
                default:
                    throw new IOException("corrupt snapshot file: node kind " + kind);
            }
            states[id] = new Object[] {metadata, content};
        }
        Map<MemoryNode, Object[]> stateMap = new IdentityHashMap<>();
        for (int id = 0; id < nodeCount; id++) {
            if (children[id] != null) {
                TreeMap<String, Node> entries = new TreeMap<>();
                for (int c = 0; c < children[id].length; c++) {
                    entries.put(names[id][c], nodes[children[id][c]]);
                }
                states[id][1] = entries;
            }
            stateMap.put(nodes[id], states[id]);
        }
        List<Pipe> pipes = new ArrayList<>();
        int openCount = in.readInt();
        List<OpenFile> open = new ArrayList<>(openCount);
        for (int i = 0; i < openCount; i++) {
            String path = in.readUTF();
            Set<OpenFlag> flags = OpenFlag.of(in.readBoolean(), in.readBoolean(), in.readBoolean(), in.readBoolean());
            long position = in.readLong();
            byte kind = in.readByte();
            OpenFile file;
            if (kind == 'P') {
                int id = in.readInt();
                Pipe pipe;
                if (id < 0) {
                    byte[] buffered = new byte[in.readInt()];
                    in.readFully(buffered);
                    pipe = Pipe.holding(buffered, in.readBoolean(), in.readBoolean());
                    pipes.add(pipe);
                } else {
                    pipe = pipes.get(id);
                }
                file = flags.contains(OpenFlag.READ) ? pipe.reader() : pipe.writer();
            } else {
                Node node = nodes[in.readInt()];
                long parentInode = in.readLong();
                if (kind == DIRECTORY) {
                    file = new DirectoryHandle(path, flags, (Directory) node, parentInode);
                } else if (kind == DEVICE) {
                    file = new DeviceHandle(path, flags, (DeviceNode) node);
                } else {
                    file = new FileHandle(path, flags, (MemoryFile) node, (MemoryFile) node);
                }
                file.restorePosition(position);
            }
            open.add(file);
        }
        return new Read(new FileSystemSnapshot(owner, stateMap), open);
    }

    private static boolean isVolumeRoot(int[] roots, int id) {
        for (int root : roots) {
            if (root == id) {
                return true;
            }
        }
        return false;
    }

    private SharedContent readContent(DataInputStream in) throws IOException {
        byte tag = in.readByte();
        if (tag == 'B') {
            int offset = in.readInt();
            int length = in.readInt();
            if (offset < 0 || length < 0 || offset + length > bundle.length) {
                throw new IOException("corrupt snapshot file: bundle slice " + offset + "+" + length);
            }
            return new BundleSlice(bundle, offset, length);
        }
        if (tag == 'P') {
            return cluster.packedFile(in.readInt());
        }
        if (tag != 'Z') {
            throw new IOException("corrupt snapshot file: content tag " + tag);
        }
        long size = in.readLong();
        byte[][] chunks = new byte[in.readInt()][];
        for (int i = 0; i < chunks.length; i++) {
            byte kind = in.readByte();
            if (kind == 0) {
                chunks[i] = ZERO;
            } else if (kind == 1) {
                int id = in.readInt();
                if (id < 0 || id >= cluster.chunks().count()) {
                    throw new IOException("corrupt snapshot file: cluster chunk " + id);
                }
                chunks[i] = cluster.chunks().chunk(id);
            } else {
                chunks[i] = new byte[ChunkedContent.CHUNK_SIZE];
                in.readFully(chunks[i]);
            }
        }
        return new FrozenContent(chunks, size);
    }
}
