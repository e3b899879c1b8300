package io.pglite.core.fs;

import static io.pglite.core.fs.ClusterImageTest.assertThrowsErrno;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PipeTest {
    private final Pipe pipe = new Pipe();

    @Test
    void readingAnEmptyPipeFailsWithEagain() {
        assertThrowsErrno(Errno.EAGAIN, () -> pipe.reader().read(new byte[1], 0, 1));
        assertFalse(pipe.reader().readReady());
    }

    @Test
    void bytesComeOutInOrderAcrossTheEndOfTheBuffer() throws Exception {
        byte[] filler = new byte[Pipe.CAPACITY - 3];
        pipe.writer().write(filler, 0, filler.length);
        pipe.reader().read(new byte[filler.length], 0, filler.length);

        pipe.writer().write(new byte[] {1, 2, 3, 4, 5, 6}, 0, 6);
        byte[] into = new byte[6];

        assertEquals(6, pipe.reader().read(into, 0, 6));
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6}, into);
    }

    @Test
    void aFullPipeTakesWhatFitsThenFailsWithEagain() throws Exception {
        byte[] bytes = new byte[Pipe.CAPACITY + 10];

        assertEquals(Pipe.CAPACITY, pipe.writer().write(bytes, 0, bytes.length));
        assertFalse(pipe.writer().writeReady());
        assertThrowsErrno(Errno.EAGAIN, () -> pipe.writer().write(bytes, 0, 1));
    }

    @Test
    void closingTheWriterEndsTheInputAfterTheRemainingBytes() throws Exception {
        pipe.writer().write(new byte[] {7}, 0, 1);
        pipe.writer().close();
        byte[] into = new byte[4];

        assertEquals(1, pipe.reader().read(into, 0, 4));
        assertEquals(0, pipe.reader().read(into, 0, 4));
        assertTrue(pipe.reader().hungUp());
    }

    @Test
    void writingWithoutAReaderFailsWithEpipe() throws Exception {
        pipe.reader().close();

        assertThrowsErrno(Errno.EPIPE, () -> pipe.writer().write(new byte[1], 0, 1));
    }

    @Test
    void theEndsCannotBeUsedTheWrongWayOrSeeked() {
        assertThrowsErrno(Errno.EBADF, () -> pipe.reader().write(new byte[1], 0, 1));
        assertThrowsErrno(Errno.EBADF, () -> pipe.writer().read(new byte[1], 0, 1));
        assertThrowsErrno(Errno.ESPIPE, () -> pipe.reader().seek(0, OpenFile.Whence.CURRENT));
        assertEquals(FileType.FIFO, pipe.reader().type());
    }
}
