package io.pglite.core.fs;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A real directory of the host mounted into the tree, for data directories that persist: files
 * are read and written in place through {@link java.nio.channels.FileChannel}s, never copied
 * into memory, and {@code fsync} forces them to disk. Mode bits, inode numbers and times come from
 * the host where its file system reports them (the {@code unix} attribute view on Linux and
 * macOS). Host symbolic links are followed by the host; host sockets, pipes and devices are not
 * visible. Host errors become the matching {@link Errno}, with the {@code IOException} as cause.
 */
public final class HostVolume extends Volume {
    private static final String UNIX_ATTRIBUTES = "unix:mode,ino,size,lastAccessTime,lastModifiedTime,ctime";
    private static final PosixFilePermission[] PERMISSION_BITS = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
    };

    private final HostDirectory root;
    private final boolean unix;
    private final boolean posix;

    private HostVolume(Path directory) {
        Set<String> views = FileSystems.getDefault().supportedFileAttributeViews();
        this.unix = views.contains("unix");
        this.posix = views.contains("posix");
        this.root = new HostDirectory(this, directory);
    }

    /**
     * @param directory an existing host directory; the volume's root
     * @throws IllegalArgumentException if it is not a directory
     */
    public static HostVolume of(Path directory) {
        Path absolute = directory.toAbsolutePath().normalize();
        if (!Files.isDirectory(absolute)) {
            throw new IllegalArgumentException("directory: " + directory + " (expected: an existing directory)");
        }
        return new HostVolume(absolute);
    }

    @Override
    HostDirectory root() {
        return root;
    }

    Stat stat(Path path, FileType type) throws ErrnoException {
        try {
            if (unix) {
                Map<String, Object> a = Files.readAttributes(path, UNIX_ATTRIBUTES);
                return new Stat(device(), (Long) a.get("ino"), type, (Integer) a.get("mode") & 07777,
                        (Long) a.get("size"), nanos(a.get("lastAccessTime")), nanos(a.get("lastModifiedTime")),
                        nanos(a.get("ctime")));
            }
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            int permissions = posix ? bits(Files.getPosixFilePermissions(path))
                    : type == FileType.DIRECTORY ? 0700 : 0600;
            Object key = a.fileKey() != null ? a.fileKey() : path;
            long modified = nanos(a.lastModifiedTime());
            return new Stat(device(), key.hashCode() & 0xFFFFFFFFL, type, permissions, a.size(),
                    nanos(a.lastAccessTime()), modified, modified);
        } catch (IOException e) {
            throw errno(e, path);
        }
    }

    /** Sets the {@code 0777} bits where the host has POSIX permissions; ignored elsewhere. */
    void chmod(Path path, int permissions) throws ErrnoException {
        if (!posix) {
            return;
        }
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        for (int bit = 0; bit < PERMISSION_BITS.length; bit++) {
            if ((permissions & (1 << bit)) != 0) {
                set.add(PERMISSION_BITS[bit]);
            }
        }
        try {
            Files.setPosixFilePermissions(path, set);
        } catch (IOException e) {
            throw errno(e, path);
        }
    }

    void setTimes(Path path, long accessTime, long modifyTime) throws ErrnoException {
        try {
            Files.getFileAttributeView(path, BasicFileAttributeView.class)
                    .setTimes(fileTime(modifyTime), fileTime(accessTime), null);
        } catch (IOException e) {
            throw errno(e, path);
        }
    }

    /** The errno a POSIX call would have set for this host failure. */
    static ErrnoException errno(IOException e, Path path) {
        return new ErrnoException(errnoOf(e), path.toString(), e);
    }

    private static Errno errnoOf(IOException e) {
        if (e instanceof NoSuchFileException) {
            return Errno.ENOENT;
        } else if (e instanceof FileAlreadyExistsException) {
            return Errno.EEXIST;
        } else if (e instanceof DirectoryNotEmptyException) {
            return Errno.ENOTEMPTY;
        } else if (e instanceof AccessDeniedException) {
            return Errno.EACCES;
        } else if (e instanceof NotDirectoryException) {
            return Errno.ENOTDIR;
        } else if (e instanceof FileSystemLoopException) {
            return Errno.ELOOP;
        } else if (e instanceof ClosedChannelException) {
            return Errno.EBADF;
        }
        String reason = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
        if (reason == null) {
            return Errno.EIO;
        }
        return switch (reason) {
            case "Is a directory" -> Errno.EISDIR;
            case "Not a directory" -> Errno.ENOTDIR;
            case "Directory not empty" -> Errno.ENOTEMPTY;
            case "No space left on device", "Disk quota exceeded" -> Errno.ENOSPC;
            case "Read-only file system" -> Errno.EROFS;
            case "Too many open files" -> Errno.EMFILE;
            case "File name too long" -> Errno.ENAMETOOLONG;
            case "Invalid cross-device link" -> Errno.EXDEV;
            case "File too large" -> Errno.EFBIG;
            default -> Errno.EIO;
        };
    }

    private static int bits(Set<PosixFilePermission> permissions) {
        int bits = 0;
        for (int bit = 0; bit < PERMISSION_BITS.length; bit++) {
            if (permissions.contains(PERMISSION_BITS[bit])) {
                bits |= 1 << bit;
            }
        }
        return bits;
    }

    private static long nanos(Object time) {
        return ((FileTime) time).to(TimeUnit.NANOSECONDS);
    }

    private static FileTime fileTime(long nanos) {
        return nanos == FileSystem.UNCHANGED ? null : FileTime.from(nanos, TimeUnit.NANOSECONDS);
    }
}
