package io.pglite.core.fs;

import java.io.IOException;
import java.io.InputStream;
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
