package io.pglite.core.fs;

/** How a file is opened; the POSIX {@code O_*} flags the file system acts on. */
public enum OpenFlag {
    READ,
    WRITE,
    /** Create the file if it does not exist ({@code O_CREAT}). */
    CREATE,
    /** With {@link #CREATE}: fail with {@code EEXIST} if it exists ({@code O_EXCL}). */
    EXCLUSIVE,
    /** Cut a regular file opened for writing to length 0 ({@code O_TRUNC}). */
    TRUNCATE,
    /** Every write goes to the current end of the file ({@code O_APPEND}). */
    APPEND,
    /** Fail with {@code ENOTDIR} unless the path names a directory ({@code O_DIRECTORY}). */
    DIRECTORY,
    /** Fail with {@code ELOOP} if the last path component is a symbolic link ({@code O_NOFOLLOW}). */
    NO_FOLLOW,
    /** Reads of an empty pipe fail with {@code EAGAIN} ({@code O_NONBLOCK}); kept for {@code F_GETFL}. */
    NON_BLOCKING;

    /** The access mode and status flags an open file keeps. */
    static java.util.Set<OpenFlag> of(boolean read, boolean write, boolean append, boolean nonBlocking) {
        java.util.Set<OpenFlag> flags = java.util.EnumSet.noneOf(OpenFlag.class);
        if (read) {
            flags.add(READ);
        }
        if (write) {
            flags.add(WRITE);
        }
        if (append) {
            flags.add(APPEND);
        }
        if (nonBlocking) {
            flags.add(NON_BLOCKING);
        }
        return flags;
    }
}
