package io.pglite.core.fs;

import java.util.Set;

/** An open regular file: a position over the file's storage. */
final class FileHandle extends NodeHandle {
    private final FileStorage storage;
    private long position;

    FileHandle(String path, Set<OpenFlag> flags, RegularFile file, FileStorage storage) {
        super(path, flags, file);
        this.storage = storage;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public void restorePosition(long position) {
        this.position = position;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws ErrnoException {
        checkReadable();
        int n = storage.read(position, into, offset, length);
        position += n;
        return n;
    }

    @Override
    public int readAt(long at, byte[] into, int offset, int length) throws ErrnoException {
        checkReadable();
        return storage.read(checkPosition(at), into, offset, length);
    }

    @Override
    public int write(byte[] from, int offset, int length) throws ErrnoException {
        checkWritable();
        if (append()) {
            position = storage.size();
        }
        storage.write(position, from, offset, length);
        position += length;
        return length;
    }

    @Override
    public int writeAt(long at, byte[] from, int offset, int length) throws ErrnoException {
        checkWritable();
        storage.write(checkPosition(at), from, offset, length);
        return length;
    }

    @Override
    public long seek(long offset, Whence whence) throws ErrnoException {
        long base = switch (whence) {
            case SET -> 0;
            case CURRENT -> position;
            case END -> storage.size();
        };
        long target = base + offset;
        if (offset > 0 && target < base) {
            throw new ErrnoException(Errno.EINVAL, path() + ": position overflows");
        }
        position = checkPosition(target);
        return position;
    }

    /** Linux answers {@code EINVAL}, not {@code EBADF}, for a descriptor not open for writing. */
    @Override
    public void truncate(long size) throws ErrnoException {
        if (!writable() || size < 0) {
            throw new ErrnoException(Errno.EINVAL, path() + ": truncate to " + size);
        }
        storage.truncate(size);
    }

    @Override
    public void allocate(long offset, long length) throws ErrnoException {
        checkWritable();
        if (offset < 0 || length <= 0) {
            throw new ErrnoException(Errno.EINVAL, path() + ": allocate " + length + " at " + offset);
        }
        long end = offset + length;
        if (end > storage.size()) {
            storage.truncate(end);
        }
    }

    @Override
    public void sync(boolean metadata) throws ErrnoException {
        storage.sync(metadata);
    }

    @Override
    public void close() throws ErrnoException {
        storage.close();
    }

    private long checkPosition(long at) throws ErrnoException {
        if (at < 0) {
            throw new ErrnoException(Errno.EINVAL, path() + ": position " + at);
        }
        return at;
    }
}
