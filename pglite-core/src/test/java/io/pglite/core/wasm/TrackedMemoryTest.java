package io.pglite.core.wasm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TrackedMemoryTest {
    private final TrackedMemory memory = new TrackedMemory(new MemoryLimits(2, 16));

    @Test
    void everyKindOfWriteMarksItsChunks() {
        memory.capture();
        memory.writeByte(10, (byte) 1);
        memory.writeI32(TrackedMemory.CHUNK_SIZE - 2, 7); // straddles chunks 0 and 1
        memory.writeLong(5 * TrackedMemory.CHUNK_SIZE, 1L);
        memory.fill((byte) 3, 8 * TrackedMemory.CHUNK_SIZE, 10 * TrackedMemory.CHUNK_SIZE);
        memory.copy(12 * TrackedMemory.CHUNK_SIZE + 1, 0, 10);
        memory.write(20 * TrackedMemory.CHUNK_SIZE, new byte[3], 0, 3);
        assertEquals(7, memory.dirtyChunks()); // chunks 0, 1, 5, 8, 9, 12, 20
    }

    @Test
    void captureKeepsNonZeroChunksOnlyAndSharesUnchangedOnes() {
        memory.writeI32(100, 42);
        MemoryImage first = memory.capture();
        assertEquals(2, first.pages());
        assertTrue(first.chunk(0) != null);
        assertNull(first.chunk(1), "an all-zero chunk takes no space");
        memory.writeI32(3 * TrackedMemory.CHUNK_SIZE, 9);
        MemoryImage second = memory.capture();
        assertSame(first.chunk(0), second.chunk(0), "unchanged chunks are shared between images");
        assertEquals(9, java.nio.ByteBuffer.wrap(second.chunk(3)).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(0));
    }

    @Test
    void restoreBringsBackExactlyTheImageAfterRandomWritesAndGrowth() {
        Random random = new Random(1);
        for (int i = 0; i < 1000; i++) {
            memory.writeI32(random.nextInt(2 * 65536 - 4), random.nextInt());
        }
        byte[] expected = memory.readBytes(0, 2 * 65536);
        MemoryImage image = memory.capture();
        for (int round = 0; round < 3; round++) {
            memory.grow(1);
            for (int i = 0; i < 500; i++) {
                memory.writeLong(random.nextInt(memory.pages() * 65536 - 8), random.nextLong());
            }
            memory.restore(image);
            assertArrayEquals(expected, memory.readBytes(0, 2 * 65536));
            byte[] beyond = memory.readBytes(2 * 65536, (memory.pages() - 2) * 65536);
            assertArrayEquals(new byte[beyond.length], beyond, "pages grown after the image are zero again");
            assertEquals(0, memory.dirtyChunks());
        }
    }

    @Test
    void restoringAnImageOfAnotherMemoryRewritesEverything() {
        memory.writeI32(0, 1);
        memory.writeI32(65536, 2);
        MemoryImage image = memory.capture();
        TrackedMemory other = new TrackedMemory(new MemoryLimits(2, 16));
        other.writeI32(4096, 5); // not in the image: must vanish
        other.restore(image);
        assertArrayEquals(memory.readBytes(0, 2 * 65536), other.readBytes(0, 2 * 65536));
    }

    @Test
    void aRestoreWritesOnlyTheChunksThatMayDiffer() {
        memory.writeI32(0, 1);
        memory.writeI32(65536, 2);
        MemoryImage first = memory.capture();
        memory.writeI32(3 * TrackedMemory.CHUNK_SIZE, 3);
        MemoryImage second = memory.capture(); // shares chunks 0 and 16 with the first

        TrackedMemory fresh = new TrackedMemory(new MemoryLimits(2, 16));
        fresh.restore(second);
        assertEquals(3, fresh.restoreWrites(), "a new memory is zero: only the image's non-zero chunks");
        assertArrayEquals(memory.readBytes(0, 2 * 65536), fresh.readBytes(0, 2 * 65536));

        fresh.writeI32(5 * TrackedMemory.CHUNK_SIZE, 9);
        fresh.restore(first);
        assertEquals(2, fresh.restoreWrites(), "the chunk written since, and the one the images do not share");
        memory.restore(first);
        assertArrayEquals(memory.readBytes(0, 2 * 65536), fresh.readBytes(0, 2 * 65536));
    }

    @Test
    void zeroClearsWhatWasWrittenAndWhatTheBaseHeld() {
        memory.writeI32(0, 1);
        MemoryImage image = memory.capture();
        memory.writeI32(7 * TrackedMemory.CHUNK_SIZE, 2);
        memory.zero();
        assertArrayEquals(new byte[2 * 65536], memory.readBytes(0, 2 * 65536));
        assertEquals(0, memory.dirtyChunks());
        memory.restore(image);
        assertEquals(1, memory.readInt(0));
        assertEquals(1, memory.restoreWrites());
    }

    @Test
    void aReleasedMemoryComesBackZeroedAndOneThatGrewDoesNot() throws InterruptedException {
        Thread.sleep(200); // let spares of engines closed before this test land, then drop them
        TrackedMemory.create(new MemoryLimits(1, 1));
        MemoryLimits limits = new MemoryLimits(2, 5);
        TrackedMemory first = TrackedMemory.create(limits);
        first.writeI32(70_000, 42);
        first.capture();
        first.writeI32(100, 7);
        first.release();
        TrackedMemory next = awaitCreate(limits);
        assertSame(first, next, "the released memory is handed out again");
        assertEquals(0, next.readInt(70_000));
        assertEquals(0, next.readInt(100));
        assertEquals(0, next.dirtyChunks());
        assertEquals(2, next.pages());

        next.grow(1);
        next.release();
        assertTrue(awaitCreate(limits) != next, "a memory that grew is not reused");
    }

    /** The memory {@code create} hands out once the zeroing thread had time to offer a released one. */
    private static TrackedMemory awaitCreate(MemoryLimits limits) throws InterruptedException {
        Thread.sleep(300);
        return TrackedMemory.create(limits);
    }
}
