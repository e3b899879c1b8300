package io.pglite.core.fs;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The chunks of a cluster pack, numbered as in the pack, each inflated the first time a file needs
 * it and then shared by every file and instance that holds it. Snapshot files refer to the
 * cluster's chunks by these numbers. Safe to use from any thread.
 */
final class PackedChunks {
    /** Of an image that no pack backs: it has no chunk to number. */
    static final PackedChunks NONE = new PackedChunks(new byte[0], new int[0], new int[0]);

    private final byte[] pack;
    private final int[] offsets;
    private final int[] lengths;
    private final AtomicReferenceArray<byte[]> inflated;
    /** Number of every chunk inflated so far, by identity. Guarded by this. */
    private final Map<byte[], Integer> numbers = new IdentityHashMap<>();

    PackedChunks(byte[] pack, int[] offsets, int[] lengths) {
        this.pack = pack;
        this.offsets = offsets;
        this.lengths = lengths;
        this.inflated = new AtomicReferenceArray<>(offsets.length);
    }

    int count() {
        return offsets.length;
    }

    /** The chunk numbered {@code number}: always the same array, never to be modified. */
    byte[] chunk(int number) {
        byte[] chunk = inflated.get(number);
        if (chunk != null) {
            return chunk;
        }
        byte[] fresh = inflate(number);
        synchronized (this) {
            chunk = inflated.get(number);
            if (chunk == null) { // no other thread was quicker
                chunk = fresh;
                inflated.set(number, chunk);
                numbers.put(chunk, number);
            }
            return chunk;
        }
    }

    /** The number of {@code chunk} if it is one of this pack's, else -1. */
    synchronized int numberOf(byte[] chunk) {
        Integer number = numbers.get(chunk);
        return number == null ? -1 : number;
    }

    private byte[] inflate(int number) {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(pack, offsets[number], lengths[number]);
            byte[] chunk = new byte[ChunkedContent.CHUNK_SIZE];
            if (inflater.inflate(chunk) != chunk.length) {
                throw new IllegalStateException("chunk " + number + " of the cluster pack is shorter than "
                        + chunk.length + " bytes: the pglite-wasm jar is damaged");
            }
            return chunk;
        } catch (DataFormatException e) {
            throw new IllegalStateException("chunk " + number + " of the cluster pack is damaged (" + e.getMessage()
                    + "): the pglite-wasm jar is damaged", e);
        } finally {
            inflater.end();
        }
    }
}
