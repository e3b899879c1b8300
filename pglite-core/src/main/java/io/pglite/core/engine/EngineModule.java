package io.pglite.core.engine;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import io.pglite.wasm.PgliteModule;

/**
 * The AOT-compiled PGlite module, parsed once per JVM: parsing its metadata is the costliest part of
 * a first start, and the parsed module is immutable, so every instance shares it.
 */
final class EngineModule {
    private EngineModule() {
    }

    private static final class Holder {
        static final WasmModule MODULE = PgliteModule.load();
    }

    private static volatile boolean preloading;

    static void preload() {
        if (!preloading) {
            preloading = true;
            Thread loader = new Thread(EngineModule::module, "pglite-module-loader");
            loader.setDaemon(true);
            loader.start();
        }
    }

    static WasmModule module() {
        return Holder.MODULE;
    }

    static Machine machine(Instance instance) {
        return PgliteModule.create(instance);
    }
}
