package io.pglite.core.fs;

/**
 * What {@code stat} reports about a file. Owner and group are always 0 (the file system has no
 * users); times are nanoseconds since the epoch.
 *
 * @param device identifies the volume the file lives on
 * @param permissions the {@code 07777} bits of the mode
 */
public record Stat(long device, long inode, FileType type, int permissions, long size,
        long accessTime, long modifyTime, long changeTime) {

    /** {@code st_mode}: type bits and permission bits. */
    public int mode() {
        return type.modeBits() | permissions;
    }

    /** {@code st_nlink}; hard links do not exist here, so it is 2 for directories, else 1. */
    public int linkCount() {
        return type == FileType.DIRECTORY ? 2 : 1;
    }
}
