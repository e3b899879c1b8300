package io.pglite.core;

/** An instance could not start: missing or corrupt engine assets, or the backend refused to start. */
public class PgliteStartupException extends PgliteException {
    private static final long serialVersionUID = 1L;

    public PgliteStartupException(String message) {
        super(message);
    }

    public PgliteStartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
