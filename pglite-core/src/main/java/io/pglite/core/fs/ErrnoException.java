package io.pglite.core.fs;

/**
 * A file-system operation failed the way a POSIX call fails: with an {@link Errno}. This is the only
 * exception the file system throws for normal failures (missing files, wrong types, full pipes); it
 * carries no stack trace because PostgreSQL provokes thousands of them (every probe for a missing
 * file), and the syscall layer only turns it into a number.
 */
public final class ErrnoException extends Exception {
    private static final long serialVersionUID = 1L;

    private final Errno errno;
    private final String subject;

    /**
     * @param subject what failed, usually a path; part of the message only
     */
    public ErrnoException(Errno errno, String subject) {
        this(errno, subject, null);
    }

    /**
     * @param cause the host error behind it, e.g. an {@code IOException} of a host-directory mount
     */
    public ErrnoException(Errno errno, String subject, Throwable cause) {
        super(null, cause, false, false);
        this.errno = errno;
        this.subject = subject;
    }

    public Errno errno() {
        return errno;
    }

    /** Built on demand: most of these exceptions are never printed. */
    @Override
    public String getMessage() {
        String message = subject == null ? errno.name() : errno + ": " + subject;
        return getCause() == null ? message : message + " (" + getCause() + ")";
    }
}
