package io.pglite.core.engine;

/** The backend did not come up; the message carries its own log lines. */
public final class EngineStartException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EngineStartException(String message) {
        super(message);
    }
}
