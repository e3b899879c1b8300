package io.pglite.core.fs;

/** The kinds of file the tree holds, with their POSIX {@code S_IFMT} bits. */
public enum FileType {
    REGULAR(0100000),
    DIRECTORY(0040000),
    SYMLINK(0120000),
    CHARACTER_DEVICE(0020000),
    /** A pipe; never in the tree, only behind a descriptor. */
    FIFO(0010000);

    private final int modeBits;

    FileType(int modeBits) {
        this.modeBits = modeBits;
    }

    /** The type bits of {@code st_mode}. */
    public int modeBits() {
        return modeBits;
    }
}
