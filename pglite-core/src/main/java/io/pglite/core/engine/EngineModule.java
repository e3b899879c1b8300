package io.pglite.core.engine;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.CodeSection;
import com.dylibso.chicory.wasm.types.CustomSection;
import com.dylibso.chicory.wasm.types.DataCountSection;
import com.dylibso.chicory.wasm.types.DataSection;
import com.dylibso.chicory.wasm.types.ElementSection;
import com.dylibso.chicory.wasm.types.ExportSection;
import com.dylibso.chicory.wasm.types.FunctionBody;
import com.dylibso.chicory.wasm.types.FunctionSection;
import com.dylibso.chicory.wasm.types.GlobalSection;
import com.dylibso.chicory.wasm.types.ImportSection;
import com.dylibso.chicory.wasm.types.MemorySection;
import com.dylibso.chicory.wasm.types.Section;
import com.dylibso.chicory.wasm.types.SectionId;
import com.dylibso.chicory.wasm.types.StartSection;
import com.dylibso.chicory.wasm.types.TableSection;
import com.dylibso.chicory.wasm.types.TagSection;
import com.dylibso.chicory.wasm.types.TypeSection;
import io.pglite.wasm.PgliteModule;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

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
                return parse(meta);
            } catch (IOException e) {
                throw new UncheckedIOException("engine asset io/pglite/wasm/PgliteModule.meta is unreadable", e);
            }
        }
    }

    static WasmModule module() {
        return Holder.MODULE;
    }

    /** Fails when pglite-wasm, which holds the compiled module, is not on the class path. */
    static void requireCompiledModule() {
        if (EngineModule.class.getClassLoader().getResource("io/pglite/wasm/PgliteModule.class") == null) {
            throw new EngineStartException("the compiled engine, io.pglite.wasm.PgliteModule, is not on the class path:"
                    + " the io.pglite:pglite-wasm jar is missing (pglite-core depends on it; keep io/pglite/wasm/** when"
                    + " you shade)");
        }
    }

    /**
     * Parses the metadata of a module the build validated and compiled, skipping what nothing here
     * reads: validation; the SHA-256 of the whole module that Chicory's {@code Parser.parse(Supplier)}
     * computes for a digest; and the function bodies, which only Chicory's interpreter runs (every
     * function is compiled; the metadata holds a stub per function). Each function gets one shared
     * empty body instead, since an instance expects as many bodies as functions.
     */
    static WasmModule parse(InputStream in) {
        WasmModule.Builder module = WasmModule.builder().withValidation(false);
        Parser.Builder parser = Parser.builder().withValidation(false);
        for (int id = SectionId.CUSTOM; id <= SectionId.TAG; id++) {
            if (id != SectionId.CODE) {
                parser.includeSectionId(id);
            }
        }
        int[] functions = {0};
        parser.build().parse(in, section -> {
            if (section instanceof FunctionSection declared) {
                functions[0] = declared.functionCount();
            }
            add(module, section);
        });
        CodeSection.Builder bodies = CodeSection.builder();
        FunctionBody stub = new FunctionBody(List.of(), List.of());
        for (int i = 0; i < functions[0]; i++) {
            bodies.addFunctionBody(stub);
        }
        module.setCodeSection(bodies.build());
        return module.build();
    }

    private static void add(WasmModule.Builder module, Section section) {
        switch (section.sectionId()) {
            case SectionId.CUSTOM -> module.addCustomSection(((CustomSection) section).name(), (CustomSection) section);
            case SectionId.TYPE -> module.setTypeSection((TypeSection) section);
            case SectionId.IMPORT -> module.setImportSection((ImportSection) section);
            case SectionId.FUNCTION -> module.setFunctionSection((FunctionSection) section);
            case SectionId.TABLE -> module.setTableSection((TableSection) section);
            case SectionId.MEMORY -> module.setMemorySection((MemorySection) section);
            case SectionId.GLOBAL -> module.setGlobalSection((GlobalSection) section);
            case SectionId.EXPORT -> module.setExportSection((ExportSection) section);
            case SectionId.START -> module.setStartSection((StartSection) section);
            case SectionId.ELEMENT -> module.setElementSection((ElementSection) section);
            case SectionId.CODE -> module.setCodeSection((CodeSection) section);
            case SectionId.DATA -> module.setDataSection((DataSection) section);
            case SectionId.DATA_COUNT -> module.setDataCountSection((DataCountSection) section);
            case SectionId.TAG -> module.setTagSection((TagSection) section);
            default -> module.addIgnoredSection(section.sectionId());
        }
    }

    static Machine machine(Instance instance) {
        return PgliteModule.create(instance);
    }
}
