package io.pglite.core;

/** An instance could not start: missing or corrupt engine assets, or the backend refused to start. */
public class PgliteStartupException extends PgliteException {
    private static final long serialVersionUID = 1L;

    /** A start failure described by {@code message}. */
    public PgliteStartupException(String message) {
        super(message);
    }

    /** A start failure described by {@code message}, caused by {@code cause}. */
    public PgliteStartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
