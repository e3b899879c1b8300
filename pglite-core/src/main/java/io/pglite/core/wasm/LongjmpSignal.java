package io.pglite.core.wasm;

/**
 * The host side of Emscripten's JavaScript-based {@code longjmp}: thrown by
 * {@code _emscripten_throw_longjmp}, caught by the nearest {@code invoke_*} trampoline. The jump
 * target itself travels in the wasm globals {@code __THREW__}/{@code __threwValue}, so one shared
 * stackless instance suffices.
 */
final class LongjmpSignal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    static final LongjmpSignal INSTANCE = new LongjmpSignal();

    private LongjmpSignal() {
        super("longjmp", null, false, false);
    }
}
