package io.pglite.core.fs;

/**
 * The chunks of a file at the moment its volume was frozen. The chunk arrays are shared with the
 * live file (which copies a chunk before writing it) and with every file thawed from here.
 */
final class FrozenContent implements SharedContent {
    private final byte[][] chunks;
    private final long size;

    FrozenContent(byte[][] chunks, long size) {
        this.chunks = chunks;
        this.size = size;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int read(long position, byte[] into, int offset, int length) {
        return ChunkedContent.read(chunks, size, position, into, offset, length);
    }

    @Override
    public ChunkedContent writableCopy() {
        return new ChunkedContent(chunks.clone(), size);
    }

    int chunkCount() {
        return chunks.length;
    }

    /** The chunk at {@code index}, to prove sharing in tests. */
    byte[] chunk(int index) {
        return chunks[index];
    }
}
