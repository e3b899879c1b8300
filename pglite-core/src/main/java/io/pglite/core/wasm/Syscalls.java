package io.pglite.core.wasm;

import io.pglite.core.fs.Errno;
import io.pglite.core.fs.ErrnoException;
import java.lang.System.Logger.Level;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How a file syscall runs: an {@link ErrnoException} becomes the errno answer, and any other
 * failure inside the host (a bug) answers {@code EIO}, logged once per syscall, instead of
 * unwinding through PostgreSQL. Also the musl wasm32 constants both kinds of syscalls use.
 */
final class Syscalls {
    /** One logger for all file syscalls, named after the public entry point. */
    static final System.Logger LOG = System.getLogger(FileSystemImports.class.getName());
    private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();

    static final int O_WRONLY = 1;
    static final int O_RDWR = 2;
    static final int O_APPEND = 1024;
    static final int O_NONBLOCK = 2048;
    static final int O_CLOEXEC = 524288;

    private Syscalls() {
    }

    @FunctionalInterface
    interface Call {
        int run() throws ErrnoException;
    }

    /** Runs an {@code env} syscall: its result, or {@code -errno}. */
    static int syscall(String name, Call call) {
        try {
            return call.run();
        } catch (ErrnoException e) {
            LOG.log(Level.TRACE, () -> name + ": " + e.getMessage());
            return -e.errno().code();
        } catch (RuntimeException e) {
            if (REPORTED.add(name)) {
                LOG.log(Level.ERROR, name + " failed in the host; answering EIO (reported once)", e);
            }
            return -Errno.EIO.code();
        }
    }

    /** Runs a WASI call: 0, or {@code errno}. */
    static int wasi(String name, Call call) {
        int result = syscall(name, call);
        return result < 0 ? -result : 0;
    }

    static ErrnoException unsupported(String syscall, String what, int value) {
        if (REPORTED.add(syscall + " " + what + " " + value)) {
            LOG.log(Level.WARNING, () -> syscall + ": unsupported " + what + " " + value
                    + "; answering EINVAL (reported once)");
        }
        return new ErrnoException(Errno.EINVAL, syscall + ": " + what + " " + value);
    }
}
