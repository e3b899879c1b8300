package io.pglite.core.fs;

import java.util.Map;

/**
 * The in-memory nodes of a {@link FileSystem} at one moment, for restoring that file system in
 * place. File contents are frozen chunk tables, shared copy-on-write with the live files.
 */
public final class FileSystemSnapshot {
    private final FileSystem owner;
    private final Map<MemoryNode, Object[]> states;
    /** The in-memory nodes standing for files on disk (a data directory), by the host node they copy. */
    private final Map<Node, MemoryNode> substitutes;

    FileSystemSnapshot(FileSystem owner, Map<MemoryNode, Object[]> states) {
        this(owner, states, Map.of());
    }

    FileSystemSnapshot(FileSystem owner, Map<MemoryNode, Object[]> states, Map<Node, MemoryNode> substitutes) {
        this.owner = owner;
        this.states = states;
        this.substitutes = substitutes;
    }

    /** Whether it holds files that were on disk: then it serves clones, not an in-place restore. */
    boolean heldFilesOnDisk() {
        return !substitutes.isEmpty();
    }

    /** The node of an open file as this snapshot holds it. */
    Node nodeOf(OpenFile file) {
        Node node = file.node();
        return node == null ? null : substitutes.getOrDefault(node, node instanceof MemoryNode memory ? memory : null);
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
}
