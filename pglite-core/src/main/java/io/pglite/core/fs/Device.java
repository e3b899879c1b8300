package io.pglite.core.fs;

/**
 * The behaviour behind a character device such as {@code /dev/null} or a console: the file system
 * hands reads and writes through, without positions.
 */
public interface Device {
    /** Reads up to {@code length} bytes; 0 means end of input. */
    int read(byte[] into, int offset, int length) throws ErrnoException;

    /** Writes {@code length} bytes and returns how many were taken. */
    int write(byte[] from, int offset, int length) throws ErrnoException;

    /** Called when an open file over this device is closed for the last time. */
    default void close() {
    }
}
