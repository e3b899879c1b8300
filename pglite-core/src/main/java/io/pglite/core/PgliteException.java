package io.pglite.core;

/** Base of every exception pglite-java raises itself; PostgreSQL's own errors are {@link PgliteSqlException}. */
public class PgliteException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}. */
    public PgliteException(String message) {
        super(message);
    }

    /** An exception with {@code message}, caused by {@code cause}. */
    public PgliteException(String message, Throwable cause) {
        super(message, cause);
    }
}
