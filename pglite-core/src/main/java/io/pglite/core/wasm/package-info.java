/**
 * Internal: the Emscripten host in Java. One class per group of imports (file syscalls, process,
 * time, setjmp/longjmp trampolines, dynamic linking), assembled and checked against the module's
 * import section by {@link io.pglite.core.wasm.EmscriptenImports}. Everything runs on the engine
 * thread of its instance, so nothing here takes locks.
 */
package io.pglite.core.wasm;
