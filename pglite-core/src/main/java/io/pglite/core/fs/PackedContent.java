package io.pglite.core.fs;

/**
 * A file of a cluster pack: its chunks are inflated when it is first read or copied, so that an
 * instance pays only for the files its backend opens. Safe to share across threads.
 */
final class PackedContent implements SharedContent {
    private final PackedChunks chunks;
    private final int[] numbers;
    private final long size;
    /** Its position among the pack's files, by which snapshot files refer to it whole. */
    final int index;
    private volatile FrozenContent frozen;

    PackedContent(PackedChunks chunks, int[] numbers, long size, int index) {
        this.chunks = chunks;
        this.numbers = numbers;
        this.size = size;
        this.index = index;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int read(long position, byte[] into, int offset, int length) {
        return frozen().read(position, into, offset, length);
    }

    @Override
    public ChunkedContent writableCopy() {
        return frozen().writableCopy();
    }

    /** Whether it is a file of the pack of {@code of}. */
    boolean isOf(PackedChunks of) {
        return chunks == of;
    }

    private FrozenContent frozen() {
        FrozenContent content = frozen;
        if (content == null) {
            byte[][] inflated = new byte[numbers.length][];
            for (int i = 0; i < numbers.length; i++) {
                inflated[i] = numbers[i] < 0 ? ChunkedContent.ZERO : chunks.chunk(numbers[i]);
            }
            content = new FrozenContent(inflated, size);
            frozen = content; // racing threads build equal contents over the same chunk arrays
        }
        return content;
    }
}
