package io.pglite.core.engine;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import io.pglite.core.wasm.SideModuleCode;
import io.pglite.wasm.PgliteModule;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The side modules pglite-wasm compiled at build time ({@code plpgsql.so}, the encoding
 * converters, the extensions' modules), found by their path in the engine's file system through
 * {@code io/pglite/wasm/side/side-modules.properties}. Each is loaded once per JVM, on first use,
 * and shared by every instance, as the main module is.
 */
final class SideModules {
    private static final String PACKAGE = "io.pglite.wasm.side";
    private static final String DIRECTORY = "side/";
    private static final Map<String, Entry> INDEX = readIndex();
    private static final Map<String, SideModuleCode> LOADED = new ConcurrentHashMap<>();

    private record Entry(String name, int memorySize, int memoryAlignment, int tableSize) {
    }

    private SideModules() {
    }

    /** The paths of every compiled side module, sorted. */
    static java.util.SortedSet<String> paths() {
        return new java.util.TreeSet<>(INDEX.keySet());
    }

    /** The compiled side module at {@code path}, or {@code null} if the build made none. */
    static SideModuleCode find(String path) {
        Entry entry = INDEX.get(path);
        return entry == null ? null : LOADED.computeIfAbsent(path, p -> load(entry));
    }

    /** The resource, beside {@link PgliteModule}, of the compiled module at {@code path}'s metadata. */
    static String metaResource(String path) {
        return metaResource(INDEX.get(path));
    }

    private static String metaResource(Entry entry) {
        return DIRECTORY + entry.name + ".meta";
    }

    private static SideModuleCode load(Entry entry) {
        WasmModule module;
        String resource = metaResource(entry);
        try (InputStream meta = PgliteModule.class.getResourceAsStream(resource)) {
            if (meta == null) {
                throw new EngineStartException("engine asset io/pglite/wasm/" + resource
                        + " is not on the class path; the io.pglite:pglite-wasm jar is incomplete");
            }
            module = EngineModule.parse(meta);
        } catch (IOException e) {
            throw new UncheckedIOException("engine asset io/pglite/wasm/" + resource + " is unreadable", e);
        }
        MethodHandle constructor;
        try {
            Class<?> machine = Class.forName(PACKAGE + "." + entry.name + "Machine", true, PgliteModule.class.getClassLoader());
            constructor = MethodHandles.publicLookup().findConstructor(machine, MethodType.methodType(void.class, Instance.class));
        } catch (ReflectiveOperationException e) {
            throw new EngineStartException("the compiled side module " + PACKAGE + "." + entry.name
                    + "Machine is missing from the io.pglite:pglite-wasm jar: " + e);
        }
        return new SideModuleCode(module, instance -> newMachine(constructor, instance), entry.memorySize,
                entry.memoryAlignment, entry.tableSize);
    }

    private static Machine newMachine(MethodHandle constructor, Instance instance) {
        try {
            return (Machine) constructor.invoke(instance);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("could not create a compiled side module's machine", e);
        }
    }

    /** Lines {@code <path>=<name> <memory size> <log2 alignment> <table size>}; {@code #} starts a comment. */
    private static Map<String, Entry> readIndex() {
        String text = new String(EngineAssets.read(DIRECTORY + "side-modules.properties"), StandardCharsets.UTF_8);
        Map<String, Entry> index = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int equals = line.indexOf('=');
            String[] fields = line.substring(equals + 1).trim().split(" ");
            index.put(line.substring(0, equals), new Entry(fields[0], Integer.parseInt(fields[1]),
                    Integer.parseInt(fields[2]), Integer.parseInt(fields[3])));
        }
        return Map.copyOf(index);
    }
}
