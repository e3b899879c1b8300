package io.pglite.core.fs;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory pipe with a read end and a write end, as {@code pipe2} creates (PostgreSQL's latch
 * uses one to wake itself). Nothing can block in a single-threaded host, so reading an empty pipe
 * whose write end is open fails with {@code EAGAIN} whether or not it was opened non-blocking, and
 * writing to a full one ({@value #CAPACITY} bytes) writes what fits or fails with {@code EAGAIN}.
 */
public final class Pipe {
    static final int CAPACITY = 65536;
    private static final AtomicLong INODES = new AtomicLong();

    private final byte[] buffer = new byte[CAPACITY];
    private final long inode = INODES.incrementAndGet();
    private final long createTime = MemoryNode.now();
    private int head;
    private int count;
    private boolean readerOpen = true;
    private boolean writerOpen = true;
    private final OpenFile reader = new End(EnumSet.of(OpenFlag.READ));
    private final OpenFile writer = new End(EnumSet.of(OpenFlag.WRITE));

    /** The buffered bytes, in order, for a snapshot file. */
    byte[] buffered() {
        byte[] bytes = new byte[count];
        for (int i = 0; i < count; i++) {
            bytes[i] = buffer[(head + i) % CAPACITY];
        }
        return bytes;
    }

    /** A pipe holding {@code bytes}, its ends open as given. */
    static Pipe holding(byte[] bytes, boolean readerOpen, boolean writerOpen) {
        Pipe pipe = new Pipe();
        System.arraycopy(bytes, 0, pipe.buffer, 0, bytes.length);
        pipe.count = bytes.length;
        pipe.readerOpen = readerOpen;
        pipe.writerOpen = writerOpen;
        return pipe;
    }

    boolean readerOpen() {
        return readerOpen;
    }

    boolean writerOpen() {
        return writerOpen;
    }

    /** A pipe with the same buffered bytes and open ends, for a clone of the file system. */
    Pipe copy() {
        Pipe copy = new Pipe();
        System.arraycopy(buffer, 0, copy.buffer, 0, CAPACITY);
        copy.head = head;
        copy.count = count;
        copy.readerOpen = readerOpen;
        copy.writerOpen = writerOpen;
        return copy;
    }

    /** The pipe an open file is an end of; null for any other open file. */
    static Pipe of(OpenFile file) {
        return file instanceof End end ? end.pipe() : null;
    }

    /** The end to read from; closing it makes writes fail with {@code EPIPE}. */
    public OpenFile reader() {
        return reader;
    }

    /** The end to write to; closing it makes reads of the drained pipe return 0 (end of file). */
    public OpenFile writer() {
        return writer;
    }

    private int take(byte[] into, int offset, int length) throws ErrnoException {
        if (count == 0) {
            if (writerOpen) {
                throw new ErrnoException(Errno.EAGAIN, "pipe is empty");
            }
            return 0;
        }
        int n = Math.min(length, count);
        int first = Math.min(n, CAPACITY - head);
        System.arraycopy(buffer, head, into, offset, first);
        System.arraycopy(buffer, 0, into, offset + first, n - first);
        head = (head + n) % CAPACITY;
        count -= n;
        return n;
    }

    private int put(byte[] from, int offset, int length) throws ErrnoException {
        if (!readerOpen) {
            throw new ErrnoException(Errno.EPIPE, "pipe has no reader");
        }
        int n = Math.min(length, CAPACITY - count);
        if (n == 0 && length > 0) {
            throw new ErrnoException(Errno.EAGAIN, "pipe is full");
        }
        int tail = (head + count) % CAPACITY;
        int first = Math.min(n, CAPACITY - tail);
        System.arraycopy(from, offset, buffer, tail, first);
        System.arraycopy(from, offset + first, buffer, 0, n - first);
        count += n;
        return n;
    }

    private final class End extends OpenFile {
        Pipe pipe() {
            return Pipe.this;
        }

        End(Set<OpenFlag> flags) {
            super("pipe:[" + inode + "]", flags);
        }

        @Override
        public FileType type() {
            return FileType.FIFO;
        }

        @Override
        public int read(byte[] into, int offset, int length) throws ErrnoException {
            checkReadable();
            return take(into, offset, length);
        }

        @Override
        public int write(byte[] from, int offset, int length) throws ErrnoException {
            checkWritable();
            return put(from, offset, length);
        }

        @Override
        public Stat stat() {
            return new Stat(0, inode, FileType.FIFO, 0600, count, createTime, createTime, createTime);
        }

        @Override
        public boolean readReady() {
            return count > 0 || !writerOpen;
        }

        @Override
        public boolean writeReady() {
            return count < CAPACITY || !readerOpen;
        }

        @Override
        public boolean hungUp() {
            return readable() ? !writerOpen : !readerOpen;
        }

        @Override
        public void close() {
            if (readable()) {
                readerOpen = false;
            } else {
                writerOpen = false;
            }
        }
    }
}
