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

    /** Writes the size and the non-zero chunks, each with its index. */
    public void writeTo(java.io.DataOutputStream out) throws java.io.IOException {
        out.writeInt(pages);
        out.writeInt(chunks.length);
        int present = 0;
        for (byte[] chunk : chunks) {
            present += chunk == null ? 0 : 1;
        }
        out.writeInt(present);
        for (int i = 0; i < chunks.length; i++) {
            if (chunks[i] != null) {
                out.writeInt(i);
                out.write(chunks[i]);
            }
        }
    }

    /** Reads what {@link #writeTo} wrote. */
    public static MemoryImage readFrom(java.io.DataInputStream in) throws java.io.IOException {
        int pages = in.readInt();
        int count = in.readInt();
        if (pages < 0 || pages > 65536 || count != pages * (65536 / TrackedMemory.CHUNK_SIZE)) {
            throw new java.io.IOException("corrupt snapshot file: memory of " + pages + " pages in " + count + " chunks");
        }
        byte[][] chunks = new byte[count][];
        int present = in.readInt();
        for (int k = 0; k < present; k++) {
            int index = in.readInt();
            if (index < 0 || index >= count) {
                throw new java.io.IOException("corrupt snapshot file: memory chunk " + index);
            }
            chunks[index] = new byte[TrackedMemory.CHUNK_SIZE];
            in.readFully(chunks[index]);
        }
        return new MemoryImage(pages, chunks);
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
