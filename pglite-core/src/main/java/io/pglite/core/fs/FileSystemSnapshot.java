package io.pglite.core.fs;

import java.util.Map;

/**
 * The in-memory nodes of a {@link FileSystem} at one moment, for restoring that file system in
 * place. File contents are frozen chunk tables, shared copy-on-write with the live files.
 */
public final class FileSystemSnapshot {
    private final FileSystem owner;
    private final Map<MemoryNode, Object[]> states;

    FileSystemSnapshot(FileSystem owner, Map<MemoryNode, Object[]> states) {
        this.owner = owner;
        this.states = states;
    }

    /** Whether it was taken of {@code fs}. */
    public boolean isOf(FileSystem fs) {
        return owner == fs;
    }

    FileSystem owner() {
        return owner;
    }

    Map<MemoryNode, Object[]> states() {
        return states;
    }

    /** How many nodes it holds. */
    public int nodes() {
        return states.size();
    }
}
