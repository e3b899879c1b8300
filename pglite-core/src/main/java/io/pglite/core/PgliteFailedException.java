package io.pglite.core;

/**
 * The instance's engine failed (a wasm trap, an abort, the backend exited) and can no longer run
 * queries. Every later call throws this again, with the original failure as cause. Start a new
 * instance.
 */
public class PgliteFailedException extends PgliteException {
    private static final long serialVersionUID = 1L;

    /** A failure described by {@code message}; {@code cause} is the engine's original failure. */
    public PgliteFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
