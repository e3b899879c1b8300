package io.pglite.core.fs;

/**
 * POSIX error numbers as the Emscripten build of PGlite numbers them: Emscripten's musl takes the
 * WASI values ({@code bits/errno.h} defines {@code EPERM} as {@code __WASI_ERRNO_PERM} and so on)
 * and puts codes without a WASI equivalent above 100.
 */
public enum Errno {
    EACCES(2),
    EAGAIN(6),
    EBADF(8),
    EBUSY(10),
    EEXIST(20),
    EFAULT(21),
    EFBIG(22),
    EINVAL(28),
    EIO(29),
    EISDIR(31),
    ELOOP(32),
    EMFILE(33),
    ENAMETOOLONG(37),
    ENODEV(43),
    ENOENT(44),
    ENOMEM(48),
    ENOSPC(51),
    ENOTDIR(54),
    ENOTEMPTY(55),
    ENOTTY(59),
    EPERM(63),
    EPIPE(64),
    ERANGE(68),
    EROFS(69),
    ESPIPE(70),
    EXDEV(75),
    /** {@code EOPNOTSUPP}; Emscripten's musl makes {@code ENOTSUP} an alias of it. */
    ENOTSUP(138);

    private final int code;

    Errno(int code) {
        this.code = code;
    }

    /** The number a syscall returns negated and a WASI call returns as is. */
    public int code() {
        return code;
    }
}
