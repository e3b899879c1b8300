package io.pglite.core.engine;

/** The backend can no longer be used: it trapped, aborted or exited. Later calls must fail fast. */
public final class EngineFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EngineFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
