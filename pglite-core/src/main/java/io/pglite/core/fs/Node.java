package io.pglite.core.fs;

/** A file of any kind in the tree, kept in memory or standing for a file of a host directory. */
interface Node {
    Volume volume();

    FileType type();

    Stat stat() throws ErrnoException;

    /** For directory listings; cheaper than {@link #stat()} for in-memory nodes. */
    default long inode() throws ErrnoException {
        return stat().inode();
    }

    void chmod(int permissions) throws ErrnoException;

    /** Sets the times, in nanoseconds since the epoch; {@link FileSystem#UNCHANGED} keeps one. */
    void setTimes(long accessTime, long modifyTime) throws ErrnoException;
}
