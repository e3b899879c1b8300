package io.pglite.core.wasm;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import io.pglite.core.fs.FileSystem;
import io.pglite.core.fs.OpenFlag;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Consumer;

/**
 * The Emscripten file syscalls of PGlite over a {@link FileSystem}, with one descriptor table shared
 * by both families of imports: {@code env.__syscall_*} answer a value {@code >= 0} or
 * {@code -errno}, {@code wasi_snapshot_preview1.fd_*} answer 0 or {@code errno} and put results
 * behind pointers. Descriptors 0, 1 and 2 start open: an empty standard input, and standard output
 * and error cut into lines for two sinks.
 *
 * <p>Provides {@code env.__syscall_*} for openat, dup, dup3, fcntl64, ioctl, fstat64, stat64,
 * lstat64, newfstatat, getdents64, faccessat, chdir, getcwd, mkdirat, unlinkat, renameat, rmdir,
 * ftruncate64, truncate64, readlinkat, symlinkat, linkat, chmod, fchmod, fchmodat2, fchown32,
 * fchownat, utimensat, umask, statfs64, fdatasync, fadvise64, fallocate, pipe2 and poll;
 * {@code env._mmap_js} and {@code env._munmap_js}; {@code wasi_snapshot_preview1.fd_read},
 * {@code fd_write}, {@code fd_pread}, {@code fd_pwrite}, {@code fd_seek}, {@code fd_close},
 * {@code fd_sync} and {@code fd_fdstat_get}. The syscalls themselves live in
 * {@code PathSyscalls} and {@code DescriptorSyscalls}.
 *
 * <p>Flags and commands the host does not know answer {@code EINVAL} and are logged once; a bug
 * in here (any {@code RuntimeException}) answers {@code EIO} and is logged once per syscall, so
 * PostgreSQL reports an I/O error instead of the JVM failing. Not thread-safe: like the file
 * system, it belongs to one engine thread.
 */
public final class FileSystemImports {
    private static final String ENV = "env";
    private static final String WASI = "wasi_snapshot_preview1";

    /** Memory for {@code mmap}: the module's {@code emscripten_builtin_memalign}, as the JS host uses. */
    @FunctionalInterface
    public interface Allocator {
        /** Returns the address of {@code size} bytes aligned to {@code alignment}, or 0 if there is no room. */
        int memalign(int alignment, int size);
    }

    /** The two halves, reachable for tests that call syscalls directly on a memory. */
    final PathSyscalls paths;
    final DescriptorSyscalls descriptors;
    private final FileDescriptors table;
    private final FileSystem fs;

    /**
     * @param fs the instance's file system, e.g. from {@link FileSystem#forPglite}
     * @param allocator allocates the wasm memory {@code mmap} copies file contents into
     * @param stdout receives standard output, line by line (without the line feed)
     * @param stderr receives standard error (PostgreSQL's log) line by line
     */
    public FileSystemImports(FileSystem fs, Allocator allocator, Consumer<String> stdout, Consumer<String> stderr) {
        Consumer<String> neverWritten = line -> { };
        FileDescriptors table = new FileDescriptors(
                fs.openDevice("/dev/stdin", new ConsoleDevice(neverWritten), EnumSet.of(OpenFlag.READ)),
                fs.openDevice("/dev/stdout", new ConsoleDevice(stdout), EnumSet.of(OpenFlag.WRITE)),
                fs.openDevice("/dev/stderr", new ConsoleDevice(stderr), EnumSet.of(OpenFlag.WRITE)));
        this.table = table;
        this.fs = fs;
        this.paths = new PathSyscalls(fs, table);
        this.descriptors = new DescriptorSyscalls(table, allocator);
    }

    /** Closes every descriptor the program left open (host files included); for when it has ended. */
    public void closeAll() {
        table.closeAll();
    }

    /**
     * The descriptor table and the in-memory files now, to be put back in place by {@link #restore}.
     *
     * @throws UnsupportedOperationException when files on disk are mounted
     */
    public Snapshot capture() {
        return new Snapshot(table.capture(), fs.snapshot(table.openFiles()), paths.cwd(), paths.umask());
    }

    /**
     * Puts files and descriptors back as {@code snapshot} recorded them: in place when it was taken
     * here, as a copy when it comes from another instance (a clone).
     */
    public void restore(Snapshot snapshot) {
        if (snapshot.files.isOf(fs)) {
            fs.restore(snapshot.files);
            table.restore(snapshot.descriptors);
        } else {
            table.restoreCopy(snapshot.descriptors, fs.restoreCopy(snapshot.files));
        }
        // PostgreSQL's start-up set them (chdir to PGDATA, umask 0077); a clone that skips it relies on them
        paths.restore(snapshot.cwd, snapshot.umask);
    }

    /** Whether {@code snapshot} was captured here (restored in place) rather than of another instance (copied). */
    public boolean owns(Snapshot snapshot) {
        return snapshot.files.isOf(fs);
    }

    /**
     * Descriptors and files captured together, with the process's working directory and umask:
     * one is meaningless without the other (PostgreSQL opens its files relative to the cwd).
     */
    public static final class Snapshot {
        private final FileDescriptors.State descriptors;
        private final io.pglite.core.fs.FileSystemSnapshot files;
        private final String cwd;
        private final int umask;

        Snapshot(FileDescriptors.State descriptors, io.pglite.core.fs.FileSystemSnapshot files, String cwd, int umask) {
            this.descriptors = descriptors;
            this.files = files;
            this.cwd = cwd;
            this.umask = umask;
        }

        /** Writes the files and the descriptor table (each descriptor as the index of its open file). */
        public void writeTo(java.io.DataOutputStream out, io.pglite.core.fs.SnapshotCodec codec) throws java.io.IOException {
            List<io.pglite.core.fs.OpenFile> distinct = new java.util.ArrayList<>();
            java.util.Map<io.pglite.core.fs.OpenFile, Integer> index = new java.util.IdentityHashMap<>();
            for (io.pglite.core.fs.OpenFile file : descriptors.files()) {
                if (file != null && !index.containsKey(file)) {
                    index.put(file, distinct.size());
                    distinct.add(file);
                }
            }
            codec.write(out, files, distinct, descriptors.positions());
            out.writeInt(descriptors.files().length);
            for (io.pglite.core.fs.OpenFile file : descriptors.files()) {
                out.writeInt(file == null ? -1 : index.get(file));
            }
            long[] cloexec = descriptors.closeOnExec().toLongArray();
            out.writeInt(cloexec.length);
            for (long word : cloexec) {
                out.writeLong(word);
            }
            out.writeUTF(cwd);
            out.writeInt(umask);
        }

        /** Reads what {@link #writeTo} wrote; restoring it makes a clone. */
        public static Snapshot readFrom(java.io.DataInputStream in, io.pglite.core.fs.SnapshotCodec codec) throws java.io.IOException {
            io.pglite.core.fs.SnapshotCodec.Read read = codec.read(in);
            int size = in.readInt();
            if (size < 0 || size > FileDescriptors.MAX) {
                throw new java.io.IOException("corrupt snapshot file: " + size + " descriptors");
            }
            io.pglite.core.fs.OpenFile[] table = new io.pglite.core.fs.OpenFile[size];
            java.util.Map<io.pglite.core.fs.OpenFile, Integer> references = new java.util.IdentityHashMap<>();
            java.util.Map<io.pglite.core.fs.OpenFile, Long> positions = new java.util.IdentityHashMap<>();
            for (int fd = 0; fd < size; fd++) {
                int i = in.readInt();
                if (i >= read.open().size()) {
                    throw new java.io.IOException("corrupt snapshot file: descriptor " + fd + " refers to open file " + i);
                }
                if (i >= 0) {
                    table[fd] = read.open().get(i);
                    references.merge(table[fd], 1, Integer::sum);
                    positions.put(table[fd], table[fd].position());
                }
            }
            long[] cloexec = new long[in.readInt()];
            for (int w = 0; w < cloexec.length; w++) {
                cloexec[w] = in.readLong();
            }
            String cwd = in.readUTF();
            int umask = in.readInt();
            return new Snapshot(new FileDescriptors.State(table, java.util.BitSet.valueOf(cloexec), references, positions),
                    read.snapshot(), cwd, umask);
        }
    }

    /** One host function per import, typed exactly as {@code pglite.wasm} imports it. */
    public List<HostFunction> toHostFunctions() {
        return List.of(
                envFunction("__syscall_openat", "iiii", (m, a) -> paths.openat(m, i(a[0]), i(a[1]), i(a[2]), i(a[3]))),
                envFunction("__syscall_dup", "i", (m, a) -> descriptors.dup(i(a[0]))),
                envFunction("__syscall_dup3", "iii", (m, a) -> descriptors.dup3(i(a[0]), i(a[1]), i(a[2]))),
                envFunction("__syscall_fcntl64", "iii", (m, a) -> descriptors.fcntl64(m, i(a[0]), i(a[1]), i(a[2]))),
                envFunction("__syscall_ioctl", "iii", (m, a) -> descriptors.ioctl(i(a[0]), i(a[1]))),
                envFunction("__syscall_fstat64", "ii", (m, a) -> descriptors.fstat64(m, i(a[0]), i(a[1]))),
                envFunction("__syscall_stat64", "ii", (m, a) -> paths.stat64(m, i(a[0]), i(a[1]))),
                envFunction("__syscall_lstat64", "ii", (m, a) -> paths.lstat64(m, i(a[0]), i(a[1]))),
                envFunction("__syscall_newfstatat", "iiii", (m, a) -> paths.newfstatat(m, i(a[0]), i(a[1]), i(a[2]), i(a[3]))),
                envFunction("__syscall_getdents64", "iii", (m, a) -> descriptors.getdents64(m, i(a[0]), i(a[1]), i(a[2]))),
                envFunction("__syscall_faccessat", "iiii", (m, a) -> paths.faccessat(m, i(a[0]), i(a[1]), i(a[2]), i(a[3]))),
                envFunction("__syscall_chdir", "i", (m, a) -> paths.chdir(m, i(a[0]))),
                envFunction("__syscall_getcwd", "ii", (m, a) -> paths.getcwd(m, i(a[0]), i(a[1]))),
                envFunction("__syscall_mkdirat", "iii", (m, a) -> paths.mkdirat(m, i(a[0]), i(a[1]), i(a[2]))),
                envFunction("__syscall_unlinkat", "iii", (m, a) -> paths.unlinkat(m, i(a[0]), i(a[1]), i(a[2]))),
                envFunction("__syscall_renameat", "iiii", (m, a) -> paths.renameat(m, i(a[0]), i(a[1]), i(a[2]), i(a[3]))),
                envFunction("__syscall_rmdir", "i", (m, a) -> paths.rmdir(m, i(a[0]))),
                envFunction("__syscall_ftruncate64", "ij", (m, a) -> descriptors.ftruncate64(i(a[0]), a[1])),
                envFunction("__syscall_truncate64", "ij", (m, a) -> paths.truncate64(m, i(a[0]), a[1])),
                envFunction("__syscall_readlinkat", "iiii", (m, a) -> paths.readlinkat(m, i(a[0]), i(a[1]), i(a[2]), i(a[3]))),
                envFunction("__syscall_symlinkat", "iii", (m, a) -> paths.symlinkat(m, i(a[0]), i(a[1]), i(a[2]))),
                envFunction("__syscall_linkat", "iiiii", (m, a) -> paths.linkat()),
                envFunction("__syscall_chmod", "ii", (m, a) -> paths.chmod(m, i(a[0]), i(a[1]))),
                envFunction("__syscall_fchmod", "ii", (m, a) -> descriptors.fchmod(i(a[0]), i(a[1]))),
                envFunction("__syscall_fchmodat2", "iiii", (m, a) -> paths.fchmodat2(m, i(a[0]), i(a[1]), i(a[2]), i(a[3]))),
                envFunction("__syscall_fchown32", "iii", (m, a) -> descriptors.fchown32(i(a[0]))),
                envFunction("__syscall_fchownat", "iiiii", (m, a) -> paths.fchownat(m, i(a[0]), i(a[1]), i(a[4]))),
                envFunction("__syscall_utimensat", "iiii", (m, a) -> paths.utimensat(m, i(a[0]), i(a[1]), i(a[2]), i(a[3]))),
                envFunction("__syscall_umask", "i", (m, a) -> paths.umask(i(a[0]))),
                envFunction("__syscall_statfs64", "iii", (m, a) -> paths.statfs64(m, i(a[0]), i(a[2]))),
                envFunction("__syscall_fdatasync", "i", (m, a) -> descriptors.fdatasync(i(a[0]))),
                envFunction("__syscall_fadvise64", "ijji", (m, a) -> descriptors.fadvise64(i(a[0]))),
                envFunction("__syscall_fallocate", "iijj", (m, a) -> descriptors.fallocate(i(a[0]), i(a[1]), a[2], a[3])),
                envFunction("__syscall_pipe2", "ii", (m, a) -> descriptors.pipe2(m, i(a[0]), i(a[1]))),
                envFunction("__syscall_poll", "iii", (m, a) -> descriptors.poll(m, i(a[0]), i(a[1]))),
                envFunction("_mmap_js", "iiiijii", (m, a) -> descriptors.mmap(m, i(a[0]), i(a[1]), i(a[2]), i(a[3]), a[4], i(a[5]), i(a[6]))),
                envFunction("_munmap_js", "iiiiij", (m, a) -> descriptors.munmap(m, i(a[0]), i(a[1]), i(a[2]), i(a[3]), i(a[4]), a[5])),
                wasiFunction("fd_read", "iiii", (m, a) -> descriptors.fdRead(m, i(a[0]), i(a[1]), i(a[2]), i(a[3]))),
                wasiFunction("fd_write", "iiii", (m, a) -> descriptors.fdWrite(m, i(a[0]), i(a[1]), i(a[2]), i(a[3]))),
                wasiFunction("fd_pread", "iiiji", (m, a) -> descriptors.fdPread(m, i(a[0]), i(a[1]), i(a[2]), a[3], i(a[4]))),
                wasiFunction("fd_pwrite", "iiiji", (m, a) -> descriptors.fdPwrite(m, i(a[0]), i(a[1]), i(a[2]), a[3], i(a[4]))),
                wasiFunction("fd_seek", "ijii", (m, a) -> descriptors.fdSeek(m, i(a[0]), a[1], i(a[2]), i(a[3]))),
                wasiFunction("fd_close", "i", (m, a) -> descriptors.fdClose(i(a[0]))),
                wasiFunction("fd_sync", "i", (m, a) -> descriptors.fdSync(i(a[0]))),
                wasiFunction("fd_fdstat_get", "ii", (m, a) -> descriptors.fdFdstatGet(m, i(a[0]), i(a[1]))));
    }

    @FunctionalInterface
    private interface Body {
        int apply(Memory memory, long[] args);
    }

    private static HostFunction envFunction(String name, String params, Body body) {
        return function(ENV, name, params, body);
    }

    private static HostFunction wasiFunction(String name, String params, Body body) {
        return function(WASI, name, params, body);
    }

    /** An import returning i32, with parameters given as {@code i} (i32) and {@code j} (i64). */
    private static HostFunction function(String module, String name, String params, Body body) {
        List<ValType> types = params.chars().mapToObj(c -> c == 'j' ? ValType.I64 : ValType.I32).toList();
        return new HostFunction(module, name, FunctionType.of(types, List.of(ValType.I32)), (instance, args) -> {
            int result = body.apply(instance.memory(), args);
            if (Syscalls.LOG.isLoggable(Level.TRACE)) {
                Syscalls.LOG.log(Level.TRACE, name + Arrays.toString(args) + " = " + result);
            }
            return new long[] {result};
        });
    }

    private static int i(long arg) {
        return (int) arg;
    }
}
