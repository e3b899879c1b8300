package io.pglite.core.wasm;

/**
 * The wasm program aborted ({@code abort()}, a failed {@code assert}) or called an import that
 * cannot be served. The instance cannot continue after this.
 */
public final class WasmAbort extends RuntimeException {
    private static final long serialVersionUID = 1L;

    WasmAbort(String message) {
        super(message);
    }
}
