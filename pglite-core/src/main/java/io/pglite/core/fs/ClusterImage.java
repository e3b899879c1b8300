package io.pglite.core.fs;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable tree of directories, files and symbolic links, typically a pre-initialised
 * PostgreSQL cluster, shared by any number of instances on any threads. Mount it with
 * {@link MemoryVolume#of(ClusterImage)}; get one from a cluster pack ({@link #fromPack}) or from
 * {@link MemoryVolume#freeze()}.
 */
public final class ClusterImage {
    static final String PACK_MAGIC = "pglite-cluster-pack";
    static final int PACK_VERSION = 1;

    private final DirectoryImage root;
    private final PackedChunks chunks;
    private final List<PackedContent> files;

    ClusterImage(DirectoryImage root) {
        this(root, PackedChunks.NONE, List.of());
    }

    private ClusterImage(DirectoryImage root, PackedChunks chunks, List<PackedContent> files) {
        this.root = root;
        this.chunks = chunks;
        this.files = files;
    }

    /**
     * Reads a cluster pack, as pglite-build's {@code ClusterPack} writes it: the index of every
     * directory and file now, each chunk the first time a file that holds it is read or copied.
     * {@code pack} is kept and must not change.
     *
     * @throws IOException if it is not a cluster pack of this format, or is damaged
     */
    public static ClusterImage fromPack(byte[] pack) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(pack));
        try {
            if (!in.readUTF().equals(PACK_MAGIC) || in.readInt() != PACK_VERSION || in.readInt() != ChunkedContent.CHUNK_SIZE) {
                throw new IOException("not a cluster pack of version " + PACK_VERSION + " with chunks of "
                        + ChunkedContent.CHUNK_SIZE + " bytes");
            }
            int entryCount = in.readInt();
            String[] paths = new String[entryCount];
            Entry[] entries = new Entry[entryCount];
            int[][] numbers = new int[entryCount][];
            long[] sizes = new long[entryCount];
            for (int e = 0; e < entryCount; e++) {
                paths[e] = in.readUTF();
                byte kind = in.readByte();
                int permissions = in.readInt();
                long modifyTime = in.readLong();
                if (kind == 'D') {
                    entries[e] = new DirectoryImage(permissions, modifyTime, new HashMap<>());
                } else if (kind == 'F') {
                    sizes[e] = in.readLong();
                    numbers[e] = new int[in.readInt()];
                    for (int i = 0; i < numbers[e].length; i++) {
                        numbers[e][i] = in.readInt();
                    }
                    entries[e] = new FileImage(permissions, modifyTime, null);
                } else {
                    throw new IOException("entry " + paths[e] + " has kind " + kind + " (expected: D or F)");
                }
            }
            int[] lengths = new int[in.readInt()];
            for (int i = 0; i < lengths.length; i++) {
                lengths[i] = in.readInt();
            }
            int[] offsets = new int[lengths.length];
            int offset = pack.length - in.available();
            for (int i = 0; i < lengths.length; i++) {
                offsets[i] = offset;
                offset += lengths[i];
            }
            if (offset != pack.length) {
                throw new IOException("its chunks take " + (offset - (pack.length - in.available())) + " bytes, but "
                        + in.available() + " follow the index");
            }
            return tree(paths, entries, numbers, sizes, new PackedChunks(pack, offsets, lengths));
        } catch (EOFException e) {
            throw new IOException("the cluster pack ends early: it is damaged", e);
        }
    }

    /** Links the entries of a pack, parents first, into a tree; the first entry is the root. */
    private static ClusterImage tree(String[] paths, Entry[] entries, int[][] numbers, long[] sizes, PackedChunks chunks)
            throws IOException {
        if (entries.length == 0 || !paths[0].isEmpty() || !(entries[0] instanceof DirectoryImage root)) {
            throw new IOException("the cluster pack does not start with its root directory");
        }
        Map<String, DirectoryImage> directories = new HashMap<>();
        directories.put("", root);
        List<PackedContent> files = new ArrayList<>();
        for (int e = 1; e < entries.length; e++) {
            int slash = paths[e].lastIndexOf('/');
            DirectoryImage parent = directories.get(slash < 0 ? "" : paths[e].substring(0, slash));
            if (parent == null) {
                throw new IOException("entry " + paths[e] + " comes before its directory");
            }
            Entry entry = entries[e];
            if (entry instanceof FileImage file) {
                for (int number : numbers[e]) {
                    if (number < -1 || number >= chunks.count()) {
                        throw new IOException("file " + paths[e] + " refers to chunk " + number + " of " + chunks.count());
                    }
                }
                PackedContent content = new PackedContent(chunks, numbers[e], sizes[e], files.size());
                files.add(content);
                entry = new FileImage(file.permissions(), file.modifyTime(), content);
            } else {
                directories.put(paths[e], (DirectoryImage) entry);
            }
            parent.children().put(paths[e].substring(slash + 1), entry);
        }
        return new ClusterImage(root, chunks, List.copyOf(files));
    }

    /**
     * Writes the tree into {@code directory}, which must exist and be empty: how a host data
     * directory is initialised from the shipped cluster. Directories get mode 0700 (PostgreSQL
     * refuses a data directory others can read), files 0600.
     */
    public void writeTo(Path directory) throws IOException {
        write(root, directory);
    }

    private static void write(DirectoryImage image, Path directory) throws IOException {
        for (Map.Entry<String, Entry> child : image.children().entrySet()) {
            Path path = directory.resolve(child.getKey());
            Entry entry = child.getValue();
            if (entry instanceof DirectoryImage dir) {
                Files.createDirectory(path);
                write(dir, path);
            } else if (entry instanceof FileImage file) {
                writeFile(file.content(), path);
            } else if (entry instanceof SymlinkImage link) {
                Files.createSymbolicLink(path, Path.of(link.target()));
            }
        }
    }

    private static void writeFile(SharedContent content, Path path) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(path, StandardOpenOption.CREATE_NEW)) {
            long position = 0;
            while (position < content.size()) {
                int n = content.read(position, buffer, 0, (int) Math.min(buffer.length, content.size() - position));
                out.write(buffer, 0, n);
                position += n;
            }
        }
    }

    DirectoryImage root() {
        return root;
    }

    /** The chunks of its pack, numbered; none for an image frozen from a volume. */
    PackedChunks chunks() {
        return chunks;
    }

    /** The file of its pack at {@code index}, in the pack's order, as a snapshot file refers to it. */
    PackedContent packedFile(int index) throws IOException {
        if (index < 0 || index >= files.size()) {
            throw new IOException("corrupt snapshot file: cluster file " + index + " of " + files.size());
        }
        return files.get(index);
    }

    sealed interface Entry permits DirectoryImage, FileImage, SymlinkImage {
    }

    record DirectoryImage(int permissions, long modifyTime, Map<String, Entry> children) implements Entry {
    }

    record FileImage(int permissions, long modifyTime, SharedContent content) implements Entry {
    }

    record SymlinkImage(String target, long modifyTime) implements Entry {
    }
}
