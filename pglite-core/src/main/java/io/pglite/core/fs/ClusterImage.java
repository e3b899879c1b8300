package io.pglite.core.fs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * An immutable tree of directories, files and symbolic links, typically a pre-initialised
 * PostgreSQL cluster, shared by any number of instances on any threads. Mount it with
 * {@link MemoryVolume#of(ClusterImage)}; get one from a tar archive or from
 * {@link MemoryVolume#freeze()}.
 */
public final class ClusterImage {
    private final DirectoryImage root;

    ClusterImage(DirectoryImage root) {
        this.root = root;
    }

    /**
     * Reads an uncompressed ustar archive whose entry names are relative to the cluster root
     * ({@code PG_VERSION}, {@code ./base/1/112}, or {@code /global/pg_control} as PGlite's
     * {@code dumpDataDir} writes them). Directories, regular files and symbolic links are
     * supported; all-zero 8 KiB chunks (most of a fresh WAL segment) take no memory.
     *
     * @throws IOException if the stream fails or is not such an archive (e.g. still gzipped)
     */
    public static ClusterImage fromTar(InputStream tar) throws IOException {
        return TarReader.read(tar).freeze();
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

    sealed interface Entry permits DirectoryImage, FileImage, SymlinkImage {
    }

    record DirectoryImage(int permissions, long modifyTime, Map<String, Entry> children) implements Entry {
    }

    record FileImage(int permissions, long modifyTime, SharedContent content) implements Entry {
    }

    record SymlinkImage(String target, long modifyTime) implements Entry {
    }
}
