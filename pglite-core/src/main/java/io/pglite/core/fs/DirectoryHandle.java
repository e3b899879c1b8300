package io.pglite.core.fs;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An open directory. Its listing is taken on first use and kept until the position goes back to
 * 0 ({@code rewinddir}), so a reader walking it by index sees a stable list while the directory
 * changes. The position is the reader's to interpret.
 */
final class DirectoryHandle extends NodeHandle {
    private final Directory directory;
    private final long parentInode;
    private List<DirEntry> entries;
    private long position;

    DirectoryHandle(String path, Set<OpenFlag> flags, Directory directory, long parentInode) {
        super(path, flags, directory);
        this.directory = directory;
        this.parentInode = parentInode;
    }

    long parentInode() {
        return parentInode;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public void restorePosition(long position) {
        this.position = position;
        entries = null; // listed again from the restored directory
    }

    @Override
    public int read(byte[] into, int offset, int length) throws ErrnoException {
        throw new ErrnoException(Errno.EISDIR, path());
    }

    @Override
    public int readAt(long at, byte[] into, int offset, int length) throws ErrnoException {
        throw new ErrnoException(Errno.EISDIR, path());
    }

    @Override
    public List<DirEntry> entries() throws ErrnoException {
        if (entries == null) {
            List<DirEntry> children = directory.entries();
            List<DirEntry> all = new ArrayList<>(children.size() + 2);
            all.add(new DirEntry(".", directory.inode(), FileType.DIRECTORY));
            all.add(new DirEntry("..", parentInode, FileType.DIRECTORY));
            all.addAll(children);
            entries = all;
        }
        return entries;
    }

    @Override
    public long seek(long offset, Whence whence) throws ErrnoException {
        long target = switch (whence) {
            case SET -> offset;
            case CURRENT -> position + offset;
            case END -> throw new ErrnoException(Errno.EINVAL, path() + ": SEEK_END on a directory");
        };
        if (target < 0) {
            throw new ErrnoException(Errno.EINVAL, path() + ": position " + target);
        }
        position = target;
        if (target == 0) {
            entries = null;
        }
        return target;
    }
}
