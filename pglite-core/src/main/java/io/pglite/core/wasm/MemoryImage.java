package io.pglite.core.wasm;

/**
 * The content of a wasm linear memory at one moment: its size in pages and its
 * {@value TrackedMemory#CHUNK_SIZE}-byte chunks, all-zero chunks left out. Immutable; images
 * captured one after the other share the chunks that did not change.
 */
public final class MemoryImage {
    static final byte[] ZERO = new byte[TrackedMemory.CHUNK_SIZE];

    private final int pages;
    private final byte[][] chunks;

    MemoryImage(int pages, byte[][] chunks) {
        this.pages = pages;
        this.chunks = chunks;
    }

    /** Size in 64 KiB pages. */
    public int pages() {
        return pages;
    }

    int chunkCount() {
        return chunks.length;
    }

    /** The chunk's bytes, or null when it is all zero. Never modified. */
    byte[] chunk(int index) {
        return chunks[index];
    }

    /** Bytes of heap this image holds itself (shared chunks counted in full). */
    public long retainedBytes() {
        long bytes = 16L + 8L * chunks.length;
        for (byte[] chunk : chunks) {
            if (chunk != null) {
                bytes += 16 + chunk.length;
            }
        }
        return bytes;
    }
}
