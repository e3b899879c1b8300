package io.pglite.core.fs;

/**
 * An in-memory regular file. It starts on shared content (a slice of the data bundle or a frozen
 * image) and gets its own {@link ChunkedContent} on the first write. Being in memory, it is its own
 * storage, and an unlinked file stays usable for as long as anything holds it.
 */
final class MemoryFile extends MemoryNode implements RegularFile, FileStorage {
    /** Beyond this a write fails with {@code EFBIG} rather than allocating a chunk table to match. */
    static final long MAX_SIZE = 1L << 36;

    private FileContent content;

    MemoryFile(MemoryVolume volume, int permissions, long modifyTime, FileContent content) {
        super(volume, permissions, modifyTime);
        this.content = content;
    }

    @Override
    public FileType type() {
        return FileType.REGULAR;
    }

    /** Both {@code st_size} and the storage's size. */
    @Override
    public long size() {
        return content.size();
    }

    @Override
    public FileStorage open(boolean writable) {
        return this;
    }

    @Override
    public int read(long position, byte[] into, int offset, int length) {
        return content.read(position, into, offset, length);
    }

    @Override
    public void write(long position, byte[] from, int offset, int length) throws ErrnoException {
        checkSize(position + length);
        writable().write(position, from, offset, length);
        modified();
    }

    @Override
    public void truncate(long size) throws ErrnoException {
        checkSize(size);
        writable().truncate(size);
        modified();
    }

    /** Memory has nothing to flush. */
    @Override
    public void sync(boolean metadata) {
    }

    @Override
    public void close() {
    }

    /** The content as it is now, without copying: for images and tests. */
    FileContent content() {
        return content;
    }

    /** The content for an image: shared as it is, or frozen (this file copies chunks from now on). */
    SharedContent freezeContent() {
        return content instanceof ChunkedContent chunked ? chunked.freeze() : (SharedContent) content;
    }

    @Override
    Object captureContent() {
        SharedContent frozen = freezeContent();
        content = frozen; // the next write makes a private copy that shares the unchanged chunks
        return frozen;
    }

    @Override
    void restoreContent(Object frozen) {
        content = (SharedContent) frozen;
    }

    private ChunkedContent writable() {
        if (content instanceof ChunkedContent chunked) {
            return chunked;
        }
        ChunkedContent copy = ((SharedContent) content).writableCopy();
        content = copy;
        return copy;
    }

    private void checkSize(long size) throws ErrnoException {
        if (size > MAX_SIZE) {
            throw new ErrnoException(Errno.EFBIG, size + " bytes");
        }
    }
}
