package io.pglite.core.wasm;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.ConstantEvaluators;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.lang.ref.SoftReference;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The wasm linear memory of an engine, remembering which {@value #CHUNK_SIZE}-byte chunks were
 * written since the last {@link #capture} or {@link #restore}. A capture then copies only those
 * chunks (sharing the rest with the previous image) and a restore writes back only those: the cost
 * of a snapshot and of a reset follows what the backend touched, not the size of its memory.
 *
 * <p>Every store of the compiled code comes through here (Chicory calls the {@link Memory}
 * interface), at the price of one array store per write. Engine thread only.
 */
public final class TrackedMemory implements Memory {
    static final int CHUNK_SHIFT = 12;
    static final int CHUNK_SIZE = 1 << CHUNK_SHIFT;
    private static final int CHUNKS_PER_PAGE = 65536 / CHUNK_SIZE;

    /**
     * A memory of an engine that ended, zeroed, for the next one: allocating the module's 128 MiB
     * of zeroed pages cost a young JVM 20-40 ms per instance. Softly held, so the GC may take it.
     */
    private static final Deque<SoftReference<TrackedMemory>> SPARE = new ConcurrentLinkedDeque<>();
    /** One thread, which ends after a second without work. */
    private static final ThreadPoolExecutor ZEROING = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), task -> {
                Thread thread = new Thread(task, "pglite-memory-zeroing");
                thread.setDaemon(true);
                return thread;
            });

    static {
        ZEROING.allowCoreThreadTimeOut(true);
    }

    private final ByteArrayMemory memory;
    private final byte[] dirty;
    /** The image the clean chunks equal; null while they are all zero (a new or zeroed memory). */
    private MemoryImage base;
    /** Chunks the last restore wrote, for tests. */
    private int restoreWrites;

    public TrackedMemory(MemoryLimits limits) {
        this.memory = new ByteArrayMemory(limits);
        this.dirty = new byte[limits.maximumPages() * CHUNKS_PER_PAGE + 1];
    }

    /** A zeroed memory with {@code limits}: a spare one if there is one, else a new one. */
    public static TrackedMemory create(MemoryLimits limits) {
        for (SoftReference<TrackedMemory> spare; (spare = SPARE.pollFirst()) != null; ) {
            TrackedMemory memory = spare.get();
            if (memory != null && memory.memory.initialPages() == limits.initialPages()
                    && memory.memory.maximumPages() == limits.maximumPages()) {
                return memory;
            }
        }
        return new TrackedMemory(limits);
    }

    /**
     * Allocates a memory with {@code limits} for a later {@link #create} unless a spare one waits
     * already: a young JVM spends about 0.1 s on the first 128 MiB (the kernel's page faults).
     */
    public static void reserve(MemoryLimits limits) {
        if (SPARE.isEmpty()) {
            SPARE.offerFirst(new SoftReference<>(new TrackedMemory(limits)));
        }
    }

    /**
     * Gives the memory of an engine that will never run again to the next {@link #create}, once a
     * background thread has zeroed it, so that it cannot be told from a new one. A memory that grew
     * beyond its initial size is left to the GC, and one spare is enough.
     */
    public void release() {
        if (memory.pages() != memory.initialPages() || !SPARE.isEmpty()) {
            return;
        }
        ZEROING.execute(() -> {
            zero();
            SPARE.offerFirst(new SoftReference<>(this));
        });
    }

    private void touch(int address) {
        dirty[address >>> CHUNK_SHIFT] = 1;
    }

    private void touch(int address, int length) {
        if (length <= 0) {
            return;
        }
        Arrays.fill(dirty, address >>> CHUNK_SHIFT, ((address + length - 1) >>> CHUNK_SHIFT) + 1, (byte) 1);
    }

    /**
     * An immutable image of the memory now. Chunks not written since the last capture or restore
     * are shared with that image; all-zero chunks take no space.
     */
    public MemoryImage capture() {
        int chunkCount = memory.pages() * CHUNKS_PER_PAGE;
        byte[][] chunks = new byte[chunkCount][];
        for (int i = 0; i < chunkCount; i++) {
            chunks[i] = dirty[i] == 0 ? baseChunk(i) : copyUnlessZero(i);
        }
        Arrays.fill(dirty, 0, chunkCount, (byte) 0);
        base = new MemoryImage(memory.pages(), chunks);
        return base;
    }

    /**
     * Makes the memory equal {@code image}, writing only the chunks that may differ: those written
     * since the last capture or restore, and those the base and {@code image} do not share (images
     * captured one after the other share their unchanged chunks, so a reset to the base writes only
     * what the backend touched, and a new memory only {@code image}'s non-zero chunks). The memory
     * grows to the image's size if smaller; if larger, the pages beyond are zeroed.
     */
    public void restore(MemoryImage image) {
        if (memory.pages() < image.pages()) {
            memory.grow(image.pages() - memory.pages());
        }
        int chunkCount = memory.pages() * CHUNKS_PER_PAGE;
        int writes = 0;
        for (int i = 0; i < chunkCount; i++) {
            byte[] chunk = i < image.chunkCount() ? image.chunk(i) : null;
            if (dirty[i] != 0 || baseChunk(i) != chunk) {
                writes++;
                if (chunk != null) {
                    memory.write(i << CHUNK_SHIFT, chunk, 0, CHUNK_SIZE);
                } else {
                    memory.fill((byte) 0, i << CHUNK_SHIFT, (i << CHUNK_SHIFT) + CHUNK_SIZE);
                }
            }
        }
        Arrays.fill(dirty, 0, chunkCount, (byte) 0);
        base = image;
        restoreWrites = writes;
    }

    /** How many chunks the last {@link #restore} wrote. */
    int restoreWrites() {
        return restoreWrites;
    }

    /** What a clean chunk holds: the base's chunk, null for zero. */
    private byte[] baseChunk(int index) {
        return base != null && index < base.chunkCount() ? base.chunk(index) : null;
    }

    /** How many chunks were written since the last capture or restore. */
    public int dirtyChunks() {
        int count = 0;
        for (int i = 0; i < memory.pages() * CHUNKS_PER_PAGE; i++) {
            count += dirty[i];
        }
        return count;
    }

    private byte[] copyUnlessZero(int chunk) {
        byte[] bytes = memory.readBytes(chunk << CHUNK_SHIFT, CHUNK_SIZE);
        return Arrays.equals(bytes, MemoryImage.ZERO) ? null : bytes;
    }

    // Chicory's Memory, with every write marking its chunks

    @Override
    public int pages() {
        return memory.pages();
    }

    @Override
    public int grow(int size) {
        return memory.grow(size); // new pages are zero, and zero in any image that lacks them
    }

    @Override
    public int initialPages() {
        return memory.initialPages();
    }

    @Override
    public int maximumPages() {
        return memory.maximumPages();
    }

    @Override
    public boolean shared() {
        return memory.shared();
    }

    @Override
    public Object lock(int address) {
        return memory.lock(address);
    }

    @Override
    public int waitOn(int address, int expected, long timeout) {
        return memory.waitOn(address, expected, timeout);
    }

    @Override
    public int waitOn(int address, long expected, long timeout) {
        return memory.waitOn(address, expected, timeout);
    }

    @Override
    public int notify(int address, int maxThreads) {
        return memory.notify(address, maxThreads);
    }

    @Override
    public void initialize(Instance instance, DataSegment[] dataSegments) {
        memory.initialize(instance, dataSegments);
        for (DataSegment segment : dataSegments) {
            if (segment instanceof ActiveDataSegment active) { // where ByteArrayMemory.initialize wrote it
                touch((int) ConstantEvaluators.computeConstantValue(instance, active.offsetInstructions())[0],
                        active.data().length);
            }
        }
    }

    @Override
    public void initPassiveSegment(int segmentId, int destination, int offset, int size) {
        memory.initPassiveSegment(segmentId, destination, offset, size);
        touch(destination, size);
    }

    @Override
    public void write(int address, byte[] data, int offset, int size) {
        memory.write(address, data, offset, size);
        touch(address, size);
    }

    @Override
    public byte read(int address) {
        return memory.read(address);
    }

    @Override
    public byte[] readBytes(int address, int length) {
        return memory.readBytes(address, length);
    }

    @Override
    public void writeI32(int address, int data) {
        memory.writeI32(address, data);
        touch(address);
        touch(address + 3);
    }

    @Override
    public int readInt(int address) {
        return memory.readInt(address);
    }

    @Override
    public void writeLong(int address, long data) {
        memory.writeLong(address, data);
        touch(address);
        touch(address + 7);
    }

    @Override
    public long readLong(int address) {
        return memory.readLong(address);
    }

    @Override
    public void writeShort(int address, short data) {
        memory.writeShort(address, data);
        touch(address);
        touch(address + 1);
    }

    @Override
    public short readShort(int address) {
        return memory.readShort(address);
    }

    @Override
    public long readU16(int address) {
        return memory.readU16(address);
    }

    @Override
    public void writeByte(int address, byte data) {
        memory.writeByte(address, data);
        touch(address);
    }

    @Override
    public void writeF32(int address, float data) {
        memory.writeF32(address, data);
        touch(address);
        touch(address + 3);
    }

    @Override
    public long readF32(int address) {
        return memory.readF32(address);
    }

    @Override
    public float readFloat(int address) {
        return memory.readFloat(address);
    }

    @Override
    public void writeF64(int address, double data) {
        memory.writeF64(address, data);
        touch(address);
        touch(address + 7);
    }

    @Override
    public double readDouble(int address) {
        return memory.readDouble(address);
    }

    @Override
    public long readF64(int address) {
        return memory.readF64(address);
    }

    @Override
    public void zero() {
        int chunkCount = memory.pages() * CHUNKS_PER_PAGE;
        for (int i = 0; i < chunkCount; i++) {
            if (dirty[i] != 0 || baseChunk(i) != null) {
                memory.fill((byte) 0, i << CHUNK_SHIFT, (i << CHUNK_SHIFT) + CHUNK_SIZE);
            }
        }
        Arrays.fill(dirty, 0, chunkCount, (byte) 0);
        base = null;
    }

    @Override
    public void fill(byte value, int fromIndex, int toIndex) {
        memory.fill(value, fromIndex, toIndex);
        touch(fromIndex, toIndex - fromIndex);
    }

    @Override
    public void copy(int destination, int source, int size) {
        memory.copy(destination, source, size);
        touch(destination, size);
    }

    @Override
    public void drop(int segment) {
        memory.drop(segment);
    }
}
