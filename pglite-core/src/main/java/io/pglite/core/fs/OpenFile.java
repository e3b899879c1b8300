package io.pglite.core.fs;

import java.util.List;
import java.util.Set;

/**
 * An open file description: what {@code open} or {@code pipe} creates and every descriptor
 * duplicated from it shares: the position, the access mode and the status flags. Closing it
 * ({@link #close()}) is the job of whoever counts the descriptors that refer to it.
 *
 * <p>Operations a kind of file does not support fail as POSIX says: reading a directory gives
 * {@code EISDIR}, seeking a pipe {@code ESPIPE}, listing a file {@code ENOTDIR}.
 */
public abstract class OpenFile {
    /** Where {@link #seek} counts from. */
    public enum Whence {
        SET,
        CURRENT,
        END
    }

    private final String path;
    private final boolean readable;
    private final boolean writable;
    private boolean append;
    private boolean nonBlocking;

    OpenFile(String path, Set<OpenFlag> flags) {
        this.path = path;
        this.readable = flags.contains(OpenFlag.READ);
        this.writable = flags.contains(OpenFlag.WRITE);
        this.append = flags.contains(OpenFlag.APPEND);
        this.nonBlocking = flags.contains(OpenFlag.NON_BLOCKING);
    }

    /** The path it was opened by (a description, not an identity: the file may since have moved). */
    public final String path() {
        return path;
    }

    public abstract FileType type();

    public final boolean readable() {
        return readable;
    }

    public final boolean writable() {
        return writable;
    }

    public final boolean append() {
        return append;
    }

    public final boolean nonBlocking() {
        return nonBlocking;
    }

    /** The node this open file stands for; null for a pipe end. */
    Node node() {
        return null;
    }

    /** The position, for a snapshot; 0 where there is none. */
    public long position() {
        return 0;
    }

    /** Sets the position back to one a snapshot recorded. */
    public void restorePosition(long position) {
    }

    /** The access mode and status flags, as {@link FileSystem#open} takes them. */
    final Set<OpenFlag> flags() {
        return OpenFlag.of(readable, writable, append, nonBlocking);
    }

    /** {@code F_SETFL}: the only status flags that can change after opening. */
    public final void setStatusFlags(boolean append, boolean nonBlocking) {
        this.append = append;
        this.nonBlocking = nonBlocking;
    }

    /** Reads at the current position and advances it; 0 at end of file. */
    public int read(byte[] into, int offset, int length) throws ErrnoException {
        throw new ErrnoException(Errno.EINVAL, path);
    }

    /** Reads at {@code position} without moving the current position ({@code pread}). */
    public int readAt(long position, byte[] into, int offset, int length) throws ErrnoException {
        throw new ErrnoException(Errno.ESPIPE, path);
    }

    /** Writes at the current position (or the end, in append mode) and advances it. */
    public int write(byte[] from, int offset, int length) throws ErrnoException {
        throw new ErrnoException(Errno.EINVAL, path);
    }

    /** Writes at {@code position}, growing the file with zeros as needed ({@code pwrite}). */
    public int writeAt(long position, byte[] from, int offset, int length) throws ErrnoException {
        throw new ErrnoException(Errno.ESPIPE, path);
    }

    /** Moves the position and returns the new one; {@code seek(0, CURRENT)} tells it. */
    public long seek(long offset, Whence whence) throws ErrnoException {
        throw new ErrnoException(Errno.ESPIPE, path);
    }

    public abstract Stat stat() throws ErrnoException;

    /** {@code ftruncate}: cuts or grows (with zeros) a regular file opened for writing. */
    public void truncate(long size) throws ErrnoException {
        throw new ErrnoException(Errno.EINVAL, path);
    }

    /** {@code fallocate} mode 0: makes the file at least {@code offset + length} bytes long. */
    public void allocate(long offset, long length) throws ErrnoException {
        throw new ErrnoException(Errno.ENODEV, path);
    }

    /** {@code fsync} ({@code metadata}) or {@code fdatasync}; only host files have anything to flush. */
    public void sync(boolean metadata) throws ErrnoException {
    }

    /**
     * The entries of an open directory, {@code .} and {@code ..} first; the same list until the
     * position is set back to 0, so a reader can walk it by index.
     */
    public List<DirEntry> entries() throws ErrnoException {
        throw new ErrnoException(Errno.ENOTDIR, path);
    }

    /** {@code fchmod}. */
    public void chmod(int permissions) throws ErrnoException {
    }

    /** {@code futimens}; {@link FileSystem#UNCHANGED} leaves a time as it is. */
    public void setTimes(long accessTime, long modifyTime) throws ErrnoException {
    }

    /** For {@code poll}: a read would not fail with {@code EAGAIN}. */
    public boolean readReady() {
        return true;
    }

    /** For {@code poll}: a write would not fail with {@code EAGAIN}. */
    public boolean writeReady() {
        return true;
    }

    /** For {@code poll}: the other end of a pipe is closed. */
    public boolean hungUp() {
        return false;
    }

    /** Releases what the open file holds (a host channel); called once, after its last descriptor. */
    public void close() throws ErrnoException {
    }

    final void checkReadable() throws ErrnoException {
        if (!readable) {
            throw new ErrnoException(Errno.EBADF, path + " is not open for reading");
        }
    }

    final void checkWritable() throws ErrnoException {
        if (!writable) {
            throw new ErrnoException(Errno.EBADF, path + " is not open for writing");
        }
    }
}
