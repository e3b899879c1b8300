package io.pglite.core.fs;

/**
 * The bytes of an in-memory file. Either a file's own {@link ChunkedContent}, or
 * {@link SharedContent} that many files (across instances and threads) may point to and that is
 * copied before the first write.
 */
sealed interface FileContent permits ChunkedContent, SharedContent {
    long size();

    /** Copies up to {@code length} bytes from {@code position}; returns the count, 0 at or past the end. */
    int read(long position, byte[] into, int offset, int length);
}
