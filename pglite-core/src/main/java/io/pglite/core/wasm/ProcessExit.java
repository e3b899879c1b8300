package io.pglite.core.wasm;

/**
 * Thrown through the wasm frames when the program calls {@code exit(status)}.
 *
 * <p>PGlite uses exit as control flow: 99 ends single-user start-up, 100 unwinds an ERROR to the
 * main loop, 0 ends a utility run. Stackless, because it is thrown once per SQL error.
 */
public final class ProcessExit extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Exit status that ends a successful single-user start-up. */
    public static final int STARTED = 99;
    /** Exit status of an ERROR unwound to the backend's main loop. */
    public static final int ERROR_UNWOUND = 100;

    private final int status;

    ProcessExit(int status) {
        super("wasm program exited with status " + status, null, false, false);
        this.status = status;
    }

    /** The status passed to {@code exit}. */
    public int status() {
        return status;
    }
}
