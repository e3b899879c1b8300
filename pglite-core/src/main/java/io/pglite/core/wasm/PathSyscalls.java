package io.pglite.core.wasm;

import static io.pglite.core.wasm.Syscalls.O_APPEND;
import static io.pglite.core.wasm.Syscalls.O_CLOEXEC;
import static io.pglite.core.wasm.Syscalls.O_NONBLOCK;
import static io.pglite.core.wasm.Syscalls.O_WRONLY;
import static io.pglite.core.wasm.Syscalls.syscall;
import static io.pglite.core.wasm.Syscalls.unsupported;

import com.dylibso.chicory.runtime.Memory;
import io.pglite.core.fs.Errno;
import io.pglite.core.fs.ErrnoException;
import io.pglite.core.fs.FileSystem;
import io.pglite.core.fs.FileType;
import io.pglite.core.fs.OpenFile;
import io.pglite.core.fs.OpenFlag;
import io.pglite.core.fs.Stat;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.Set;

/**
 * The file syscalls that name files by path, relative to a directory descriptor or the current
 * directory ({@code AT_FDCWD}): opening, the {@code stat} family, access checks, creating,
 * removing and renaming names, links, modes and times; plus the process's cwd and umask.
 */
final class PathSyscalls {
    // musl wasm32 <fcntl.h>, <sys/stat.h>
    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 256;
    private static final int AT_REMOVEDIR = 512;
    private static final int AT_EACCESS = 512;
    private static final int AT_NO_AUTOMOUNT = 2048;
    private static final int AT_EMPTY_PATH = 4096;
    private static final int O_ACCMODE = 3;
    private static final int O_CREAT = 64;
    private static final int O_EXCL = 128;
    private static final int O_TRUNC = 512;
    private static final int O_DIRECTORY = 65536;
    private static final int O_NOFOLLOW = 131072;
    /** Flags accepted without effect: O_NOCTTY, O_DSYNC, O_ASYNC, O_DIRECT, O_LARGEFILE, O_NOATIME, O_SYNC. */
    private static final int O_IGNORED = 256 | 4096 | 8192 | 16384 | 32768 | 262144 | 1048576;
    private static final int O_KNOWN = O_ACCMODE | O_CREAT | O_EXCL | O_TRUNC | O_APPEND | O_NONBLOCK
            | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_IGNORED;
    private static final int UTIME_NOW = 0x3fffffff;
    private static final int UTIME_OMIT = 0x3ffffffe;
    private static final int PATH_MAX = 4096;

    private final FileSystem fs;
    private final FileDescriptors descriptors;
    private String cwd = "/";
    private int umask = 0022;

    PathSyscalls(FileSystem fs, FileDescriptors descriptors) {
        this.fs = fs;
        this.descriptors = descriptors;
    }

    int openat(Memory memory, int dirfd, int pathAddress, int flags, int varargs) {
        return syscall("openat", () -> {
            String path = path(memory, dirfd, pathAddress);
            Set<OpenFlag> openFlags = openFlags(flags);
            int mode = (flags & O_CREAT) != 0 && varargs != 0 ? memory.readInt(varargs) : 0;
            OpenFile file = fs.open(path, openFlags, mode & 07777 & ~umask);
            try {
                return descriptors.add(file, 0, (flags & O_CLOEXEC) != 0);
            } catch (ErrnoException e) {
                file.close();
                throw e;
            }
        });
    }

    int truncate64(Memory memory, int pathAddress, long length) {
        return syscall("truncate64", () -> {
            fs.truncate(path(memory, AT_FDCWD, pathAddress), length);
            return 0;
        });
    }

    int stat64(Memory memory, int pathAddress, int statAddress) {
        return syscall("stat64", () -> {
            SyscallStructs.writeStat(memory, statAddress, fs.stat(path(memory, AT_FDCWD, pathAddress), true));
            return 0;
        });
    }

    int lstat64(Memory memory, int pathAddress, int statAddress) {
        return syscall("lstat64", () -> {
            SyscallStructs.writeStat(memory, statAddress, fs.stat(path(memory, AT_FDCWD, pathAddress), false));
            return 0;
        });
    }

    int newfstatat(Memory memory, int dirfd, int pathAddress, int statAddress, int flags) {
        return syscall("newfstatat", () -> {
            if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT)) != 0) {
                throw unsupported("newfstatat", "flags", flags);
            }
            String path = string(memory, pathAddress);
            Stat stat;
            if (path.isEmpty() && (flags & AT_EMPTY_PATH) != 0) {
                stat = dirfd == AT_FDCWD ? fs.stat(cwd, true) : descriptors.get(dirfd).stat();
            } else {
                stat = fs.stat(absolute(dirfd, path), (flags & AT_SYMLINK_NOFOLLOW) == 0);
            }
            SyscallStructs.writeStat(memory, statAddress, stat);
            return 0;
        });
    }

    int faccessat(Memory memory, int dirfd, int pathAddress, int mode, int flags) {
        return syscall("faccessat", () -> {
            if ((mode & ~7) != 0) {
                throw unsupported("faccessat", "mode", mode);
            }
            if ((flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW)) != 0) {
                throw unsupported("faccessat", "flags", flags);
            }
            fs.access(path(memory, dirfd, pathAddress), mode, (flags & AT_SYMLINK_NOFOLLOW) == 0);
            return 0;
        });
    }

    int statfs64(Memory memory, int pathAddress, int address) {
        return syscall("statfs64", () -> {
            fs.stat(path(memory, AT_FDCWD, pathAddress), true);
            SyscallStructs.writeStatfs(memory, address);
            return 0;
        });
    }

    int chmod(Memory memory, int pathAddress, int mode) {
        return syscall("chmod", () -> {
            fs.chmod(path(memory, AT_FDCWD, pathAddress), mode, true);
            return 0;
        });
    }

    int fchmodat2(Memory memory, int dirfd, int pathAddress, int mode, int flags) {
        return syscall("fchmodat2", () -> {
            if ((flags & ~AT_SYMLINK_NOFOLLOW) != 0) {
                throw unsupported("fchmodat2", "flags", flags);
            }
            fs.chmod(path(memory, dirfd, pathAddress), mode, (flags & AT_SYMLINK_NOFOLLOW) == 0);
            return 0;
        });
    }

    /** Owners do not exist here: succeeds for any existing file. */
    int fchownat(Memory memory, int dirfd, int pathAddress, int flags) {
        return syscall("fchownat", () -> {
            fs.stat(path(memory, dirfd, pathAddress), (flags & AT_SYMLINK_NOFOLLOW) == 0);
            return 0;
        });
    }

    /** Times from two {@code struct timespec} (null: now); an empty path means {@code dirfd} itself. */
    int utimensat(Memory memory, int dirfd, int pathAddress, int timesAddress, int flags) {
        return syscall("utimensat", () -> {
            if ((flags & ~AT_SYMLINK_NOFOLLOW) != 0) {
                throw unsupported("utimensat", "flags", flags);
            }
            Instant instant = Instant.now();
            long now = instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
            long access = timesAddress == 0 ? now : time(memory, timesAddress, now);
            long modify = timesAddress == 0 ? now : time(memory, timesAddress + 16, now);
            String path = pathAddress == 0 ? "" : string(memory, pathAddress);
            if (path.isEmpty() && dirfd != AT_FDCWD) {
                descriptors.get(dirfd).setTimes(access, modify);
            } else {
                fs.setTimes(path.isEmpty() ? cwd : absolute(dirfd, path), access, modify,
                        (flags & AT_SYMLINK_NOFOLLOW) == 0);
            }
            return 0;
        });
    }

    private static long time(Memory memory, int timespec, long now) {
        int nanos = memory.readInt(timespec + 8);
        if (nanos == UTIME_NOW) {
            return now;
        }
        return nanos == UTIME_OMIT ? FileSystem.UNCHANGED : memory.readLong(timespec) * 1_000_000_000L + nanos;
    }

    int umask(int mask) {
        int old = umask;
        umask = mask & 0777;
        return old;
    }

    /** The working directory, as {@code chdir} set it. */
    String cwd() {
        return cwd;
    }

    /** The file mode creation mask, as {@code umask} set it. */
    int umask() {
        return umask;
    }

    /** Puts the working directory and the mask back as a snapshot recorded them. */
    void restore(String cwd, int umask) {
        this.cwd = cwd;
        this.umask = umask;
    }

    int chdir(Memory memory, int pathAddress) {
        return syscall("chdir", () -> {
            String path = normalize(path(memory, AT_FDCWD, pathAddress));
            if (fs.stat(path, true).type() != FileType.DIRECTORY) {
                throw new ErrnoException(Errno.ENOTDIR, path);
            }
            cwd = path;
            return 0;
        });
    }

    /** Returns the length including the NUL, as Emscripten does. */
    int getcwd(Memory memory, int address, int size) {
        return syscall("getcwd", () -> {
            byte[] bytes = cwd.getBytes(StandardCharsets.UTF_8);
            if (size == 0) {
                throw new ErrnoException(Errno.EINVAL, "getcwd into 0 bytes");
            }
            if (Integer.compareUnsigned(size, bytes.length + 1) < 0) {
                throw new ErrnoException(Errno.ERANGE, "getcwd into " + size + " bytes");
            }
            memory.write(address, bytes);
            memory.writeByte(address + bytes.length, (byte) 0);
            return bytes.length + 1;
        });
    }

    int mkdirat(Memory memory, int dirfd, int pathAddress, int mode) {
        return syscall("mkdirat", () -> {
            fs.mkdir(path(memory, dirfd, pathAddress), mode & 07777 & ~umask);
            return 0;
        });
    }

    int unlinkat(Memory memory, int dirfd, int pathAddress, int flags) {
        return syscall("unlinkat", () -> {
            String path = path(memory, dirfd, pathAddress);
            if (flags == 0) {
                fs.unlink(path);
            } else if (flags == AT_REMOVEDIR) {
                fs.rmdir(path);
            } else {
                throw unsupported("unlinkat", "flags", flags);
            }
            return 0;
        });
    }

    int rmdir(Memory memory, int pathAddress) {
        return syscall("rmdir", () -> {
            fs.rmdir(path(memory, AT_FDCWD, pathAddress));
            return 0;
        });
    }

    int renameat(Memory memory, int fromDirfd, int fromAddress, int toDirfd, int toAddress) {
        return syscall("renameat", () -> {
            fs.rename(path(memory, fromDirfd, fromAddress), path(memory, toDirfd, toAddress));
            return 0;
        });
    }

    int symlinkat(Memory memory, int targetAddress, int dirfd, int pathAddress) {
        return syscall("symlinkat", () -> {
            fs.symlink(string(memory, targetAddress), path(memory, dirfd, pathAddress));
            return 0;
        });
    }

    /** Copies the link target without a NUL, cut to {@code size}; {@code EINVAL} for non-links. */
    int readlinkat(Memory memory, int dirfd, int pathAddress, int address, int size) {
        return syscall("readlinkat", () -> {
            if (size <= 0) {
                throw new ErrnoException(Errno.EINVAL, "readlink into " + size + " bytes");
            }
            byte[] target = fs.readlink(path(memory, dirfd, pathAddress)).getBytes(StandardCharsets.UTF_8);
            int n = Math.min(size, target.length);
            memory.write(address, target, 0, n);
            return n;
        });
    }

    /** Hard links are not supported by the file system. */
    int linkat() {
        return syscall("linkat", () -> {
            throw new ErrnoException(Errno.ENOTSUP, "hard links");
        });
    }

    /** A path argument made absolute: relative to {@code dirfd}, or the cwd for {@code AT_FDCWD}. */
    private String path(Memory memory, int dirfd, int address) throws ErrnoException {
        String path = string(memory, address);
        if (path.isEmpty()) {
            throw new ErrnoException(Errno.ENOENT, "empty path");
        }
        return absolute(dirfd, path);
    }

    private String absolute(int dirfd, String path) throws ErrnoException {
        if (path.startsWith("/")) {
            return path;
        }
        String base = cwd;
        if (dirfd != AT_FDCWD) {
            OpenFile directory = descriptors.get(dirfd);
            if (directory.type() != FileType.DIRECTORY) {
                throw new ErrnoException(Errno.ENOTDIR, directory.path());
            }
            base = directory.path();
        }
        return base.endsWith("/") ? base + path : base + "/" + path;
    }

    /** A NUL-terminated UTF-8 string of at most {@value #PATH_MAX} bytes. */
    private static String string(Memory memory, int address) throws ErrnoException {
        if (address == 0) {
            throw new ErrnoException(Errno.EFAULT, "null path");
        }
        for (int length = 0; length < PATH_MAX; length++) {
            if (memory.read(address + length) == 0) {
                return new String(memory.readBytes(address, length), StandardCharsets.UTF_8);
            }
        }
        throw new ErrnoException(Errno.ENAMETOOLONG, "path longer than " + PATH_MAX + " bytes");
    }

    /** Collapses {@code .} and {@code ..} so that {@code getcwd} answers a clean path. */
    private static String normalize(String path) {
        Deque<String> names = new ArrayDeque<>();
        for (String name : path.split("/")) {
            if (name.equals("..")) {
                names.pollLast();
            } else if (!name.isEmpty() && !name.equals(".")) {
                names.addLast(name);
            }
        }
        return "/" + String.join("/", names);
    }

    private static Set<OpenFlag> openFlags(int flags) throws ErrnoException {
        if ((flags & ~O_KNOWN) != 0 || (flags & O_ACCMODE) == O_ACCMODE) {
            throw unsupported("openat", "flags", flags);
        }
        Set<OpenFlag> set = EnumSet.noneOf(OpenFlag.class);
        if ((flags & O_ACCMODE) != O_WRONLY) {
            set.add(OpenFlag.READ);
        }
        if ((flags & O_ACCMODE) != 0) {
            set.add(OpenFlag.WRITE);
        }
        addIf(set, flags, O_CREAT, OpenFlag.CREATE);
        addIf(set, flags, O_EXCL, OpenFlag.EXCLUSIVE);
        addIf(set, flags, O_TRUNC, OpenFlag.TRUNCATE);
        addIf(set, flags, O_APPEND, OpenFlag.APPEND);
        addIf(set, flags, O_DIRECTORY, OpenFlag.DIRECTORY);
        addIf(set, flags, O_NOFOLLOW, OpenFlag.NO_FOLLOW);
        addIf(set, flags, O_NONBLOCK, OpenFlag.NON_BLOCKING);
        return set;
    }

    private static void addIf(Set<OpenFlag> set, int flags, int bit, OpenFlag flag) {
        if ((flags & bit) != 0) {
            set.add(flag);
        }
    }
}
