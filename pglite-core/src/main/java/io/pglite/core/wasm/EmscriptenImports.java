package io.pglite.core.wasm;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportMemory;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Assembles the host side of an Emscripten module from the import groups (process, time,
 * setjmp/longjmp, file system, dynamic linking) and checks it against the module's import section:
 * every import gets a function of exactly the declared type. A syscall the host does not implement
 * answers {@code ENOSYS} and is logged once; any other unknown import aborts when called, naming
 * itself.
 */
public final class EmscriptenImports {
    private static final System.Logger LOG = System.getLogger(EmscriptenImports.class.getName());
    private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();
    private static final int ENOSYS = 52;

    private EmscriptenImports() {
    }

    /**
     * Builds the import values of {@code module}.
     *
     * @param runtime bound to the main instance once it is built
     * @param memory the linear memory the module imports as {@code env.memory}
     * @param fileSystem the file syscalls ({@code __syscall_*}, {@code fd_*}, mmap)
     * @param environment the process environment, {@code KEY=VALUE}
     * @param sideModules the compiled side module {@code dlopen} loads from a path, {@code null} if none
     */
    public static ImportValues forModule(WasmModule module, EmscriptenRuntime runtime, Memory memory,
            List<HostFunction> fileSystem, List<String> environment, Function<String, SideModuleCode> sideModules) {
        Map<String, HostFunction> available = new LinkedHashMap<>();
        ProcessImports process = new ProcessImports(runtime, environment, memory.maximumPages(), new java.security.SecureRandom());
        InvokeImports invoke = new InvokeImports(runtime);
        for (List<HostFunction> group : List.of(process.toHostFunctions(),
                new TimeImports(Clock.systemUTC(), runtime::takeSleepInterrupt).toHostFunctions(), invoke.fixed(), fileSystem)) {
            for (HostFunction f : group) {
                available.put(f.name(), f);
            }
        }
        for (int i = 0; i < module.importSection().importCount(); i++) {
            String name = module.importSection().getImport(i).name();
            if (InvokeImports.serves(name)) {
                available.put(name, invoke.invoke(name));
            }
        }
        Map<String, HostFunction> forSideModules = new HashMap<>(available);
        DynamicLinkImports linker = new DynamicLinkImports(runtime, sideModules, name -> {
            HostFunction host = forSideModules.get(name);
            return host == null && InvokeImports.serves(name) ? invoke.invoke(name) : host;
        });
        runtime.linker(linker);
        for (HostFunction f : linker.toHostFunctions()) {
            available.put(f.name(), f);
        }

        ImportValues.Builder values = ImportValues.builder();
        for (int i = 0; i < module.importSection().importCount(); i++) {
            Import imp = module.importSection().getImport(i);
            if (imp.importType() == ExternalType.MEMORY) {
                values.addMemory(new ImportMemory(imp.module(), imp.name(), memory));
                continue;
            }
            if (imp.importType() != ExternalType.FUNCTION) {
                throw new IllegalStateException("unsupported import " + imp.module() + "." + imp.name()
                        + " of kind " + imp.importType());
            }
            FunctionType type = module.typeSection().getType(((FunctionImport) imp).typeIndex());
            HostFunction f = available.get(imp.name());
            if (f == null) {
                f = missing(imp, type);
            } else if (!f.functionType().equals(type)) {
                throw new IllegalStateException("host function " + imp.module() + "." + imp.name()
                        + " has type " + f.functionType() + " but the module imports " + type);
            }
            values.addFunction(f);
        }
        return values.build();
    }

    private static HostFunction missing(Import imp, FunctionType type) {
        String name = imp.name();
        if (name.startsWith("__syscall_") && type.returns().size() == 1) {
            return new HostFunction(imp.module(), name, type, (instance, args) -> {
                if (REPORTED.add(name)) {
                    LOG.log(Level.WARNING, "{0} is not supported by the PGlite host; answering ENOSYS", name);
                }
                return new long[] {-ENOSYS};
            });
        }
        return new HostFunction(imp.module(), name, type, (instance, args) -> {
            throw new WasmAbort("PostgreSQL called " + imp.module() + "." + name
                    + ", which the PGlite host does not provide");
        });
    }
}
