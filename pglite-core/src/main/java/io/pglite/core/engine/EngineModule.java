package io.pglite.core.engine;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.pglite.wasm.PgliteModule;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The AOT-compiled PGlite module, parsed once per JVM: parsing its metadata is the costliest part of
 * a first start, and the parsed module is immutable, so every instance shares it. It is parsed
 * without validation: the module was validated when it was compiled at build time (every function
 * is compiled, so its bodies are stubs, but its other sections are large).
 */
final class EngineModule {
    private EngineModule() {
    }

    private static final class Holder {
        static final WasmModule MODULE = load();

        private static WasmModule load() {
            try (InputStream meta = PgliteModule.class.getResourceAsStream("PgliteModule.meta")) {
                if (meta == null) {
                    throw new EngineStartException("engine asset io/pglite/wasm/PgliteModule.meta is not on the class path;"
                            + " the io.pglite:pglite-wasm jar is missing or incomplete");
                }
                return Parser.builder().withValidation(false).build().parse(() -> meta);
            } catch (IOException e) {
                throw new UncheckedIOException("engine asset io/pglite/wasm/PgliteModule.meta is unreadable", e);
            }
        }
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
