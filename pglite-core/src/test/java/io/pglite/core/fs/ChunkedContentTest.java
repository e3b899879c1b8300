package io.pglite.core.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ChunkedContentTest {
    private static final int CHUNK = ChunkedContent.CHUNK_SIZE;

    @Test
    void writePastTheEndReadsTheGapAsZeros() {
        ChunkedContent content = new ChunkedContent();
        content.write(0, bytes(3, (byte) 1), 0, 3);
        content.write(CHUNK + 10, bytes(2, (byte) 2), 0, 2);

        assertEquals(CHUNK + 12, content.size());
        byte[] all = read(content, 0, CHUNK + 12);
        assertArrayEquals(bytes(3, (byte) 1), Arrays.copyOfRange(all, 0, 3));
        assertArrayEquals(new byte[CHUNK + 7], Arrays.copyOfRange(all, 3, CHUNK + 10));
        assertArrayEquals(bytes(2, (byte) 2), Arrays.copyOfRange(all, CHUNK + 10, CHUNK + 12));
    }

    @Test
    void growingAfterACutExposesZerosNotTheOldBytes() {
        ChunkedContent content = new ChunkedContent();
        content.write(0, bytes(100, (byte) 7), 0, 100);

        content.truncate(10);
        content.truncate(100);

        assertArrayEquals(bytes(10, (byte) 7), read(content, 0, 10));
        assertArrayEquals(new byte[90], read(content, 10, 90));
    }

    @Test
    void readStopsAtTheEndOfTheFile() {
        ChunkedContent content = new ChunkedContent();
        content.write(0, bytes(5, (byte) 1), 0, 5);

        assertEquals(2, content.read(3, new byte[10], 0, 10));
        assertEquals(0, content.read(5, new byte[10], 0, 10));
    }

    @Test
    void zeroChunksOfDifferentFilesAreOneSharedArray() {
        ChunkedContent sparse = new ChunkedContent();
        sparse.truncate(3L * CHUNK);
        ChunkedContent zeroed = new ChunkedContent();
        zeroed.write(0, new byte[CHUNK], 0, CHUNK);

        assertSame(sparse.chunk(1), zeroed.chunk(0));
        assertSame(sparse.chunk(0), sparse.chunk(2));
    }

    @Test
    void writingOverTheZeroChunkGivesTheFileItsOwnChunk() {
        ChunkedContent first = new ChunkedContent();
        first.truncate(CHUNK);
        ChunkedContent second = new ChunkedContent();
        second.truncate(CHUNK);

        first.write(5, new byte[] {9}, 0, 1);

        assertNotSame(first.chunk(0), second.chunk(0));
        assertEquals(0, read(second, 5, 1)[0]);
    }

    @Test
    void afterFreezingOnlyWrittenChunksAreCopied() {
        ChunkedContent content = new ChunkedContent();
        content.write(0, bytes(2 * CHUNK, (byte) 1), 0, 2 * CHUNK);

        FrozenContent frozen = content.freeze();
        content.write(CHUNK, new byte[] {5}, 0, 1);

        assertSame(frozen.chunk(0), content.chunk(0));
        assertNotSame(frozen.chunk(1), content.chunk(1));
        byte[] old = new byte[1];
        frozen.read(CHUNK, old, 0, 1);
        assertEquals(1, old[0]);
        assertEquals(5, read(content, CHUNK, 1)[0]);
    }

    @Test
    void cuttingAFrozenChunkLeavesTheFrozenBytesIntact() {
        ChunkedContent content = new ChunkedContent();
        content.write(0, bytes(100, (byte) 3), 0, 100);
        FrozenContent frozen = content.freeze();

        content.truncate(50);

        byte[] old = new byte[100];
        assertEquals(100, frozen.read(0, old, 0, 100));
        assertArrayEquals(bytes(100, (byte) 3), old);
    }

    @Test
    void copiesOfOneFrozenContentWriteIndependently() {
        ChunkedContent original = new ChunkedContent();
        original.write(0, bytes(10, (byte) 1), 0, 10);
        FrozenContent frozen = original.freeze();
        ChunkedContent a = frozen.writableCopy();
        ChunkedContent b = frozen.writableCopy();

        a.write(0, new byte[] {8}, 0, 1);

        assertEquals(8, read(a, 0, 1)[0]);
        assertEquals(1, read(b, 0, 1)[0]);
        assertSame(frozen.chunk(0), b.chunk(0));
    }

    static byte[] bytes(int length, byte value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, value);
        return bytes;
    }

    private static byte[] read(FileContent content, long position, int length) {
        byte[] into = new byte[length];
        assertEquals(length, content.read(position, into, 0, length));
        return into;
    }
}
