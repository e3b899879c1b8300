package io.pglite.core.wasm;

import static io.pglite.core.wasm.SyscallStructs.DIRENT_SIZE;
import static io.pglite.core.wasm.Syscalls.O_APPEND;
import static io.pglite.core.wasm.Syscalls.O_CLOEXEC;
import static io.pglite.core.wasm.Syscalls.O_NONBLOCK;
import static io.pglite.core.wasm.Syscalls.O_RDWR;
import static io.pglite.core.wasm.Syscalls.O_WRONLY;
import static io.pglite.core.wasm.Syscalls.syscall;
import static io.pglite.core.wasm.Syscalls.unsupported;
import static io.pglite.core.wasm.Syscalls.wasi;

import com.dylibso.chicory.runtime.Memory;
import io.pglite.core.fs.DirEntry;
import io.pglite.core.fs.Errno;
import io.pglite.core.fs.ErrnoException;
import io.pglite.core.fs.FileType;
import io.pglite.core.fs.OpenFile;
import io.pglite.core.fs.Pipe;
import java.util.List;

/**
 * The file syscalls that work on descriptors: reading and writing (the WASI {@code fd_*} calls),
 * duplicating, {@code fcntl}, pipes, {@code poll}, directory listings, sizes, syncing, metadata,
 * and file-backed {@code mmap}.
 */
final class DescriptorSyscalls {
    // musl wasm32 <fcntl.h>, <poll.h>, <sys/mman.h>
    private static final int F_DUPFD = 0;
    private static final int F_GETFD = 1;
    private static final int F_SETFD = 2;
    private static final int F_GETFL = 3;
    private static final int F_SETFL = 4;
    private static final int F_GETLK = 12;
    private static final int F_SETLK = 13;
    private static final int F_SETLKW = 14;
    private static final int F_DUPFD_CLOEXEC = 1030;
    private static final int FD_CLOEXEC = 1;
    private static final short F_UNLCK = 2;
    private static final int POLLIN = 1;
    private static final int POLLOUT = 4;
    private static final int POLLERR = 8;
    private static final int POLLHUP = 16;
    private static final int POLLNVAL = 32;
    private static final int PROT_WRITE = 2;
    private static final int MAP_SHARED = 1;
    private static final int MAP_PRIVATE = 2;
    private static final int MMAP_ALIGNMENT = 65536;
    /** Reads up to this size reuse one buffer; larger ones get their own. */
    private static final int MAX_SCRATCH = 1 << 20;

    private final FileDescriptors descriptors;
    private final FileSystemImports.Allocator allocator;
    private byte[] scratch = new byte[8192];

    DescriptorSyscalls(FileDescriptors descriptors, FileSystemImports.Allocator allocator) {
        this.descriptors = descriptors;
        this.allocator = allocator;
    }

    int dup(int fd) {
        return syscall("dup", () -> descriptors.add(descriptors.get(fd), 0, false));
    }

    int dup3(int fd, int target, int flags) {
        return syscall("dup3", () -> {
            if ((flags & ~O_CLOEXEC) != 0) {
                throw unsupported("dup3", "flags", flags);
            }
            OpenFile file = descriptors.get(fd);
            if (fd == target) {
                throw new ErrnoException(Errno.EINVAL, "dup3 onto itself");
            }
            descriptors.put(target, file, flags != 0);
            return target;
        });
    }

    int fcntl64(Memory memory, int fd, int command, int varargs) {
        return syscall("fcntl64", () -> {
            OpenFile file = descriptors.get(fd);
            switch (command) {
                case F_DUPFD, F_DUPFD_CLOEXEC -> {
                    int lowest = memory.readInt(varargs);
                    if (lowest < 0) {
                        throw new ErrnoException(Errno.EINVAL, "F_DUPFD " + lowest);
                    }
                    return descriptors.add(file, lowest, command == F_DUPFD_CLOEXEC);
                }
                case F_GETFD -> {
                    return descriptors.closeOnExec(fd) ? FD_CLOEXEC : 0;
                }
                case F_SETFD -> {
                    descriptors.setCloseOnExec(fd, (memory.readInt(varargs) & FD_CLOEXEC) != 0);
                    return 0;
                }
                case F_GETFL -> {
                    int access = file.readable() && file.writable() ? O_RDWR : file.writable() ? O_WRONLY : 0;
                    return access | (file.append() ? O_APPEND : 0) | (file.nonBlocking() ? O_NONBLOCK : 0);
                }
                case F_SETFL -> {
                    int flags = memory.readInt(varargs);
                    file.setStatusFlags((flags & O_APPEND) != 0, (flags & O_NONBLOCK) != 0);
                    return 0;
                }
                case F_GETLK -> {
                    memory.writeShort(memory.readInt(varargs), F_UNLCK); // no other process holds locks
                    return 0;
                }
                case F_SETLK, F_SETLKW -> {
                    return 0;
                }
                default -> throw unsupported("fcntl64", "command", command);
            }
        });
    }

    /** No descriptor is a terminal. */
    int ioctl(int fd, int request) {
        return syscall("ioctl", () -> {
            descriptors.get(fd);
            throw new ErrnoException(Errno.ENOTTY, "ioctl " + request);
        });
    }

    int fdClose(int fd) {
        return wasi("fd_close", () -> {
            descriptors.close(fd);
            return 0;
        });
    }

    /**
     * A pipe whose reads never block (nothing could fill it while the only thread waits): an empty
     * pipe answers {@code EAGAIN}, which PostgreSQL's self-pipe expects anyway.
     */
    int pipe2(Memory memory, int fdsAddress, int flags) {
        return syscall("pipe2", () -> {
            if ((flags & ~(O_NONBLOCK | O_CLOEXEC)) != 0) {
                throw unsupported("pipe2", "flags", flags);
            }
            Pipe pipe = new Pipe();
            boolean nonBlocking = (flags & O_NONBLOCK) != 0;
            pipe.reader().setStatusFlags(false, nonBlocking);
            pipe.writer().setStatusFlags(false, nonBlocking);
            int reader = descriptors.add(pipe.reader(), 0, (flags & O_CLOEXEC) != 0);
            int writer;
            try {
                writer = descriptors.add(pipe.writer(), 0, (flags & O_CLOEXEC) != 0);
            } catch (ErrnoException e) {
                descriptors.close(reader);
                throw e;
            }
            memory.writeI32(fdsAddress, reader);
            memory.writeI32(fdsAddress + 4, writer);
            return 0;
        });
    }

    /** Reports readiness without waiting: files are always ready, pipes when they have data or room. */
    int poll(Memory memory, int fdsAddress, int count) {
        return syscall("poll", () -> {
            int ready = 0;
            for (int i = 0; i < count; i++) {
                int entry = fdsAddress + 8 * i;
                int fd = memory.readInt(entry);
                int events = memory.readShort(entry + 4);
                int revents = fd < 0 ? 0 : readiness(fd, events);
                memory.writeShort(entry + 6, (short) revents);
                if (revents != 0) {
                    ready++;
                }
            }
            return ready;
        });
    }

    private int readiness(int fd, int events) {
        OpenFile file;
        try {
            file = descriptors.get(fd);
        } catch (ErrnoException e) {
            return POLLNVAL;
        }
        int revents = 0;
        if ((events & POLLIN) != 0 && file.readReady()) {
            revents |= POLLIN;
        }
        if ((events & POLLOUT) != 0 && file.writeReady()) {
            revents |= POLLOUT;
        }
        if (file.hungUp()) {
            revents |= file.readable() ? POLLHUP : POLLERR;
        }
        return revents;
    }

    int fdRead(Memory memory, int fd, int iovs, int iovsCount, int countAddress) {
        return wasi("fd_read", () -> {
            memory.writeI32(countAddress, read(memory, descriptors.get(fd), iovs, iovsCount, -1));
            return 0;
        });
    }

    int fdPread(Memory memory, int fd, int iovs, int iovsCount, long offset, int countAddress) {
        return wasi("fd_pread", () -> {
            memory.writeI32(countAddress, read(memory, descriptors.get(fd), iovs, iovsCount, checkOffset(offset)));
            return 0;
        });
    }

    int fdWrite(Memory memory, int fd, int iovs, int iovsCount, int countAddress) {
        return wasi("fd_write", () -> {
            memory.writeI32(countAddress, write(memory, descriptors.get(fd), iovs, iovsCount, -1));
            return 0;
        });
    }

    int fdPwrite(Memory memory, int fd, int iovs, int iovsCount, long offset, int countAddress) {
        return wasi("fd_pwrite", () -> {
            memory.writeI32(countAddress, write(memory, descriptors.get(fd), iovs, iovsCount, checkOffset(offset)));
            return 0;
        });
    }

    /** Scatter-read into {@code {u32 address, u32 length}} vectors; at {@code offset}, or the position if negative. */
    private int read(Memory memory, OpenFile file, int iovs, int count, long offset) throws ErrnoException {
        int total = 0;
        for (int i = 0; i < count; i++) {
            int address = memory.readInt(iovs + 8 * i);
            int length = vectorLength(memory, iovs + 8 * i + 4);
            byte[] buffer = buffer(length);
            int n;
            try {
                n = offset < 0 ? file.read(buffer, 0, length) : file.readAt(offset + total, buffer, 0, length);
            } catch (ErrnoException e) {
                if (total > 0) {
                    break; // what was read so far counts, as with POSIX readv
                }
                throw e;
            }
            memory.write(address, buffer, 0, n);
            total += n;
            if (n < length) {
                break;
            }
        }
        return total;
    }

    /** Gather-write from vectors; at {@code offset}, or the position (or end) if negative. */
    private int write(Memory memory, OpenFile file, int iovs, int count, long offset) throws ErrnoException {
        int total = 0;
        for (int i = 0; i < count; i++) {
            int address = memory.readInt(iovs + 8 * i);
            int length = vectorLength(memory, iovs + 8 * i + 4);
            byte[] bytes = memory.readBytes(address, length);
            int n;
            try {
                n = offset < 0 ? file.write(bytes, 0, length) : file.writeAt(offset + total, bytes, 0, length);
            } catch (ErrnoException e) {
                if (total > 0) {
                    break;
                }
                throw e;
            }
            total += n;
            if (n < length) {
                break;
            }
        }
        return total;
    }

    int fdSeek(Memory memory, int fd, long offset, int whence, int positionAddress) {
        return wasi("fd_seek", () -> {
            OpenFile.Whence from = switch (whence) {
                case 0 -> OpenFile.Whence.SET;
                case 1 -> OpenFile.Whence.CURRENT;
                case 2 -> OpenFile.Whence.END;
                default -> throw new ErrnoException(Errno.EINVAL, "whence " + whence);
            };
            memory.writeLong(positionAddress, descriptors.get(fd).seek(offset, from));
            return 0;
        });
    }

    /**
     * Directory entries as fixed 280-byte records; the directory position counts in records, so a
     * listing resumes where the last call stopped.
     */
    int getdents64(Memory memory, int fd, int address, int capacity) {
        return syscall("getdents64", () -> {
            OpenFile directory = descriptors.get(fd);
            List<DirEntry> entries = directory.entries();
            long position = directory.seek(0, OpenFile.Whence.CURRENT) / DIRENT_SIZE;
            int first = (int) Math.min(position, entries.size());
            int fit = Integer.divideUnsigned(capacity, DIRENT_SIZE);
            if (fit == 0 && first < entries.size()) {
                throw new ErrnoException(Errno.EINVAL, "getdents64 buffer of " + capacity + " bytes");
            }
            int end = Math.min(entries.size(), first + fit);
            for (int i = first; i < end; i++) {
                SyscallStructs.writeDirent(memory, address + (i - first) * DIRENT_SIZE, entries.get(i), i + 1);
            }
            directory.seek((long) end * DIRENT_SIZE, OpenFile.Whence.SET);
            return (end - first) * DIRENT_SIZE;
        });
    }

    int ftruncate64(int fd, long length) {
        return syscall("ftruncate64", () -> {
            descriptors.get(fd).truncate(length);
            return 0;
        });
    }

    /** Mode 0 only: make the file cover the range. */
    int fallocate(int fd, int mode, long offset, long length) {
        return syscall("fallocate", () -> {
            OpenFile file = descriptors.get(fd);
            if (mode != 0) {
                throw new ErrnoException(Errno.ENOTSUP, "fallocate mode " + mode);
            }
            file.allocate(offset, length);
            return 0;
        });
    }

    /** Advice only. */
    int fadvise64(int fd) {
        return syscall("fadvise64", () -> {
            descriptors.get(fd);
            return 0;
        });
    }

    int fdatasync(int fd) {
        return syscall("fdatasync", () -> {
            descriptors.get(fd).sync(false);
            return 0;
        });
    }

    int fdSync(int fd) {
        return wasi("fd_sync", () -> {
            descriptors.get(fd).sync(true);
            return 0;
        });
    }

    /**
     * Maps a file the way Emscripten's JS host does, by copying: the module's allocator provides
     * {@code memalign(65536, length)} bytes, which get the file's bytes from {@code offset} and
     * zeros past its end; {@code *allocated} = 1 tells the C side to free them at {@code munmap}.
     */
    int mmap(Memory memory, int length, int protection, int flags, int fd, long offset,
            int allocatedAddress, int addressAddress) {
        return syscall("mmap", () -> {
            OpenFile file = descriptors.get(fd);
            boolean sharedWrite = (protection & PROT_WRITE) != 0 && (flags & MAP_PRIVATE) == 0;
            if (!file.readable() || sharedWrite && !file.writable()) {
                throw new ErrnoException(Errno.EACCES, "mmap of " + file.path());
            }
            if (file.type() != FileType.REGULAR) {
                throw new ErrnoException(Errno.ENODEV, "mmap of " + file.path());
            }
            if (length == 0 || offset < 0) {
                throw new ErrnoException(Errno.EINVAL, "mmap of " + length + " bytes at " + offset);
            }
            if (length < 0) {
                throw new ErrnoException(Errno.ENOMEM, "mmap of " + Integer.toUnsignedString(length) + " bytes");
            }
            int address = allocator.memalign(MMAP_ALIGNMENT, length);
            if (address == 0) {
                throw new ErrnoException(Errno.ENOMEM, "mmap of " + length + " bytes");
            }
            memory.fill((byte) 0, address, address + length);
            byte[] buffer = buffer(Math.min(length, MMAP_ALIGNMENT));
            for (int done = 0; done < length; ) {
                int n = file.readAt(offset + done, buffer, 0, Math.min(buffer.length, length - done));
                if (n == 0) {
                    break;
                }
                memory.write(address + done, buffer, 0, n);
                done += n;
            }
            memory.writeI32(allocatedAddress, 1);
            memory.writeI32(addressAddress, address);
            return 0;
        });
    }

    /**
     * Writes a shared writable mapping back to its file (not past the file's end, as a page cache
     * would not); the C side frees the memory. PostgreSQL itself unmaps through a no-op export.
     */
    int munmap(Memory memory, int address, int length, int protection, int flags, int fd, long offset) {
        return syscall("munmap", () -> {
            OpenFile file = descriptors.get(fd);
            if ((protection & PROT_WRITE) == 0 || (flags & MAP_SHARED) == 0 || (flags & MAP_PRIVATE) != 0) {
                return 0;
            }
            if (file.type() != FileType.REGULAR) {
                throw new ErrnoException(Errno.ENODEV, "munmap of " + file.path());
            }
            long inFile = Math.min(Integer.toUnsignedLong(length), file.stat().size() - offset);
            if (inFile > 0) {
                file.writeAt(offset, memory.readBytes(address, (int) inFile), 0, (int) inFile);
            }
            return 0;
        });
    }

    int fstat64(Memory memory, int fd, int statAddress) {
        return syscall("fstat64", () -> {
            SyscallStructs.writeStat(memory, statAddress, descriptors.get(fd).stat());
            return 0;
        });
    }

    int fdFdstatGet(Memory memory, int fd, int address) {
        return wasi("fd_fdstat_get", () -> {
            SyscallStructs.writeFdstat(memory, address, descriptors.get(fd));
            return 0;
        });
    }

    int fchmod(int fd, int mode) {
        return syscall("fchmod", () -> {
            descriptors.get(fd).chmod(mode);
            return 0;
        });
    }

    /** Owners do not exist here: succeeds for any open descriptor. */
    int fchown32(int fd) {
        return syscall("fchown32", () -> {
            descriptors.get(fd);
            return 0;
        });
    }

    private static int vectorLength(Memory memory, int address) throws ErrnoException {
        int length = memory.readInt(address);
        if (length < 0) {
            throw new ErrnoException(Errno.EINVAL, "iovec of " + Integer.toUnsignedString(length) + " bytes");
        }
        return length;
    }

    private static long checkOffset(long offset) throws ErrnoException {
        if (offset < 0) {
            throw new ErrnoException(Errno.EINVAL, "offset " + offset);
        }
        return offset;
    }

    private byte[] buffer(int length) {
        if (length <= scratch.length) {
            return scratch;
        }
        if (length > MAX_SCRATCH) {
            return new byte[length];
        }
        scratch = new byte[length];
        return scratch;
    }
}
