package io.pglite.core.wasm;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import java.util.function.Function;

/**
 * A side module compiled to JVM classes at build time, its types already numbered like the main
 * module's: what {@link DynamicLinkImports} links when PostgreSQL loads it.
 *
 * @param module its metadata (imports, exports, data; bodies are stubs), shared by every instance
 * @param machines makes the compiled machine of a new instance
 * @param memorySize bytes of linear memory it needs ({@code dylink.0})
 * @param memoryAlignment log2 of that memory's alignment
 * @param tableSize function table slots it needs
 */
public record SideModuleCode(WasmModule module, Function<Instance, Machine> machines, int memorySize,
        int memoryAlignment, int tableSize) {
}
