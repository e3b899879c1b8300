package io.pglite.core.fs;

import java.util.Arrays;
import java.util.BitSet;

/**
 * The writable bytes of one in-memory file, in {@value #CHUNK_SIZE}-byte chunks with copy-on-write
 * sharing: a chunk may also belong to a frozen image (and through it to other instances), so it is
 * written in place only if this file owns it, and copied first otherwise. All-zero chunks are one
 * shared {@link #ZERO} array, which is never owned; zeros written over it keep it.
 *
 * <p>Invariant: the bytes of the last chunk beyond {@link #size()} are zero, so growing the file
 * exposes zeros without clearing anything.
 */
final class ChunkedContent implements FileContent {
    static final int CHUNK_SIZE = 8192;
    /** The one all-zero chunk: files share it until they write to it. */
    static final byte[] ZERO = new byte[CHUNK_SIZE];

    private byte[][] chunks;
    private int chunkCount;
    private final BitSet owned = new BitSet();
    private long size;

    ChunkedContent() {
        this(new byte[4][], 0);
    }

    /** Over chunks owned by someone else: every chunk is copied before it is written. */
    ChunkedContent(byte[][] chunks, long size) {
        this.chunks = chunks;
        this.size = size;
        this.chunkCount = chunksFor(size);
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int read(long position, byte[] into, int offset, int length) {
        return read(chunks, size, position, into, offset, length);
    }

    static int read(byte[][] chunks, long size, long position, byte[] into, int offset, int length) {
        if (position >= size) {
            return 0;
        }
        int total = (int) Math.min(length, size - position);
        int done = 0;
        while (done < total) {
            long at = position + done;
            int within = (int) (at % CHUNK_SIZE);
            int n = Math.min(total - done, CHUNK_SIZE - within);
            System.arraycopy(chunks[(int) (at / CHUNK_SIZE)], within, into, offset + done, n);
            done += n;
        }
        return total;
    }

    /** Writes at {@code position}; a gap after the old end reads as zeros. */
    void write(long position, byte[] from, int offset, int length) {
        long end = position + length;
        growTo(end);
        int done = 0;
        while (done < length) {
            long at = position + done;
            int index = (int) (at / CHUNK_SIZE);
            int within = (int) (at % CHUNK_SIZE);
            int n = Math.min(length - done, CHUNK_SIZE - within);
            if (chunks[index] != ZERO || !isZero(from, offset + done, n)) {
                System.arraycopy(from, offset + done, mutableChunk(index), within, n);
            }
            done += n;
        }
        size = Math.max(size, end);
    }

    /** Cuts the file or grows it with zeros. */
    void truncate(long newSize) {
        if (newSize >= size) {
            growTo(newSize);
            size = newSize;
            return;
        }
        int keep = chunksFor(newSize);
        Arrays.fill(chunks, keep, chunkCount, null);
        owned.clear(keep, Math.max(keep, chunkCount));
        chunkCount = keep;
        int tail = (int) (newSize % CHUNK_SIZE);
        if (tail != 0 && chunks[keep - 1] != ZERO) {
            Arrays.fill(mutableChunk(keep - 1), tail, CHUNK_SIZE, (byte) 0);
        }
        size = newSize;
    }

    /**
     * Hands the current chunks to an immutable copy. From now on this file owns none of them, so
     * its next write to any chunk copies that chunk first.
     */
    FrozenContent freeze() {
        owned.clear();
        return new FrozenContent(Arrays.copyOf(chunks, chunkCount), size);
    }

    /** The chunk at {@code index}, to prove sharing in tests. */
    byte[] chunk(int index) {
        return chunks[index];
    }

    private void growTo(long end) {
        int needed = chunksFor(end);
        if (needed <= chunkCount) {
            return;
        }
        ensureCapacity(needed);
        Arrays.fill(chunks, chunkCount, needed, ZERO);
        chunkCount = needed;
    }

    private void ensureCapacity(int count) {
        if (count > chunks.length) {
            chunks = Arrays.copyOf(chunks, Math.max(count, chunks.length * 2));
        }
    }

    private byte[] mutableChunk(int index) {
        if (!owned.get(index)) {
            chunks[index] = chunks[index] == ZERO ? new byte[CHUNK_SIZE] : chunks[index].clone();
            owned.set(index);
        }
        return chunks[index];
    }

    private static int chunksFor(long size) {
        return (int) ((size + CHUNK_SIZE - 1) / CHUNK_SIZE);
    }

    private static boolean isZero(byte[] bytes, int offset, int length) {
        return Arrays.mismatch(bytes, offset, offset + length, ZERO, 0, length) < 0;
    }
}
