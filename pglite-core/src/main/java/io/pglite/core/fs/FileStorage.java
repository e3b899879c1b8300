package io.pglite.core.fs;

/** The bytes of an open regular file, addressed by position. */
interface FileStorage {
    int read(long position, byte[] into, int offset, int length) throws ErrnoException;

    /** Writes all {@code length} bytes, growing the file with zeros up to {@code position}. */
    void write(long position, byte[] from, int offset, int length) throws ErrnoException;

    long size() throws ErrnoException;

    /** Cuts the file or grows it with zeros. */
    void truncate(long size) throws ErrnoException;

    void sync(boolean metadata) throws ErrnoException;

    void close() throws ErrnoException;
}
