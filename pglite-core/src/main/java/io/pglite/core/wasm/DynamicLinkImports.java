package io.pglite.core.wasm;

import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.GlobalInstance;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportGlobal;
import com.dylibso.chicory.runtime.ImportMemory;
import com.dylibso.chicory.runtime.ImportTable;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.TableInstance;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.MutabilityType;
import com.dylibso.chicory.wasm.types.ValType;
import com.dylibso.chicory.wasm.types.Value;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Emscripten dynamic linking: {@code dlopen}/{@code dlsym} of side modules ({@code plpgsql.so},
 * {@code dict_snowball.so}, the encoding converters, extensions), in the way Emscripten's loader
 * does it: memory from the main module's {@code calloc}, slots appended to the shared function
 * table, {@code GOT.mem}/{@code GOT.func} globals, relocations and constructors.
 *
 * <p>Side modules are compiled at build time ({@link SideModuleCode}), with their types numbered
 * like the main module's: Chicory checks cross-instance indirect calls by type index. A module
 * the build did not compile cannot be loaded.
 *
 * <p>Provides {@code env._dlopen_js} and {@code env._dlsym_js}.
 */
public final class DynamicLinkImports {
    private static final System.Logger LOG = System.getLogger(DynamicLinkImports.class.getName());

    private final EmscriptenRuntime runtime;
    private final Function<String, SideModuleCode> compiled;
    private final Function<String, HostFunction> hostFunctions;
    private final Map<String, SideModule> byPath = new HashMap<>();
    private final Map<Integer, SideModule> byHandle = new HashMap<>();
    /** Exports of modules loaded so far, visible to later ones (RTLD_GLOBAL). */
    private final Map<String, ExportFunction> globalFunctions = new HashMap<>();
    private Map<Instance, Map<Integer, Integer>> slots;
    /** The next free table slot; -1 until the first link (the table's size then). */
    private int tableTop = -1;

    /**
     * @param compiled the compiled side module at a path of the file system, {@code null} if there is none
     * @param hostFunctions the host import of a name, {@code null} if the host has none; side modules
     *        import some of the main module's, and {@code invoke_*} trampolines of their own signatures
     */
    DynamicLinkImports(EmscriptenRuntime runtime, Function<String, SideModuleCode> compiled,
            Function<String, HostFunction> hostFunctions) {
        this.runtime = runtime;
        this.compiled = compiled;
        this.hostFunctions = hostFunctions;
    }

    List<HostFunction> toHostFunctions() {
        return List.of(
                new HostFunction("env", "_dlopen_js", FunctionType.of(List.of(ValType.I32), List.of(ValType.I32)),
                        (instance, args) -> new long[] {dlopen((int) args[0])}),
                new HostFunction("env", "_dlsym_js",
                        FunctionType.of(List.of(ValType.I32, ValType.I32, ValType.I32), List.of(ValType.I32)),
                        (instance, args) -> new long[] {dlsym((int) args[0], (int) args[1], (int) args[2])}));
    }

    /** {@code handle} is musl's {@code struct dso}: flags at +4, path at +36; we fill +8..+27. */
    private int dlopen(int handle) {
        Memory memory = runtime.memory();
        String path = EmscriptenRuntime.cString(memory, handle + 36);
        SideModule module = byPath.get(path);
        if (module == null) {
            SideModuleCode code = compiled.apply(path);
            if (code == null) {
                setError("could not load dynamic library " + path + ": this engine build has no compiled side module"
                        + " of that path (only the libraries shipped in its lib directory can be loaded)");
                return 0;
            }
            try {
                module = link(path, code, null);
            } catch (RuntimeException e) {
                if (e instanceof ProcessExit || e instanceof LongjmpSignal) {
                    throw e;
                }
                LOG.log(Level.WARNING, "could not link " + path, e);
                setError("could not load dynamic library " + path + ": " + e.getMessage());
                return 0;
            }
            byPath.put(path, module);
        }
        byHandle.put(handle, module);
        memory.writeByte(handle + 8, (byte) 1);
        memory.writeI32(handle + 12, module.memoryBase);
        memory.writeI32(handle + 16, module.memorySize);
        memory.writeI32(handle + 20, module.tableBase);
        memory.writeI32(handle + 24, module.tableSize);
        return handle;
    }

    private int dlsym(int handle, int symbolPtr, int symbolIndexPtr) {
        SideModule module = byHandle.get(handle);
        String symbol = EmscriptenRuntime.cString(runtime.memory(), symbolPtr);
        Export export = module == null ? null : module.exports.get(symbol);
        if (export == null) {
            setError("symbol \"" + symbol + "\" not found in " + (module == null ? "handle " + handle : module.path));
            return 0;
        }
        if (export.exportType() == ExternalType.GLOBAL) {
            return module.memoryBase + (int) module.instance.global(export.index()).getValue();
        }
        Integer slot = slotOf(module.instance, export.index());
        if (slot == null) {
            slot = addToTable(module.instance, export.index());
            runtime.memory().writeI32(symbolIndexPtr, indexOf(module, symbol));
        }
        return slot;
    }

    private static int indexOf(SideModule module, String symbol) {
        return new ArrayList<>(module.exports.keySet()).indexOf(symbol);
    }

    private void setError(String message) {
        int stack = runtime.stackPointer();
        try {
            ExportFunction setErr = runtime.main().export("__dl_seterr");
            setErr.apply(runtime.stackString(message), 0);
        } finally {
            runtime.restoreStack(stack);
        }
    }

    /**
     * Links a side module: its memory from the heap, its slots at the table's top, its constructors
     * run. With a {@code template} (the same module in the instance a clone was made of) it takes the
     * template's memory base, table base and GOT entries instead and runs nothing: its data and state
     * are in the memory the clone restores next.
     */
    private SideModule link(String path, SideModuleCode code, SideModule template) {
        long start = System.nanoTime();
        WasmModule module = code.module();
        int alignment = 1 << code.memoryAlignment();
        int memoryBase = template != null ? template.memoryBase : 0;
        if (template == null && code.memorySize() > 0) {
            int raw = runtime.calloc(code.memorySize() + alignment, 1);
            if (raw == 0) {
                throw new IllegalStateException("out of wasm memory for " + code.memorySize() + " bytes");
            }
            memoryBase = (raw + alignment - 1) & -alignment;
        }
        TableInstance table = runtime.table();
        int tableBase = template != null ? template.tableBase : claimSlots(code.tableSize());

        ImportValues.Builder imports = ImportValues.builder();
        for (int i = 0; i < module.importSection().importCount(); i++) {
            Import imp = module.importSection().getImport(i);
            String name = imp.name();
            switch (imp.importType()) {
                case MEMORY:
                    imports.addMemory(new ImportMemory(imp.module(), name, runtime.memory()));
                    break;
                case TABLE:
                    imports.addTable(new ImportTable(imp.module(), name, table));
                    break;
                case GLOBAL:
                    imports.addGlobal(new ImportGlobal(imp.module(), name, envGlobal(imp, memoryBase, tableBase)));
                    break;
                case FUNCTION:
                    FunctionType type = module.typeSection().getType(((FunctionImport) imp).typeIndex());
                    imports.addFunction(function(path, name, type));
                    break;
                default:
                    throw new IllegalStateException("unsupported import kind " + imp.importType() + " of " + name);
            }
        }
        Instance instance = Instance.builder(module).withImportValues(imports.build())
                .withMachineFactory(code.machines()).build();

        Map<String, Export> exports = new java.util.LinkedHashMap<>();
        for (int i = 0; i < module.exportSection().exportCount(); i++) {
            Export export = module.exportSection().getExport(i);
            exports.put(export.name(), export);
        }
        Map<String, GlobalInstance> gots = new HashMap<>();
        for (Export export : exports.values()) {
            if (export.exportType() == ExternalType.GLOBAL && export.name().startsWith("GOT.")) {
                GlobalInstance got = instance.global(export.index());
                got.setValue(template != null ? template.gots.get(export.name()).getValue()
                        : gotValue(export.name(), instance, exports, memoryBase));
                gots.put(export.name(), got);
            }
        }
        for (Export export : exports.values()) {
            if (export.exportType() == ExternalType.FUNCTION) {
                globalFunctions.putIfAbsent(export.name(), instance.export(export.name()));
            }
        }
        if (template == null) {
            runIfExported(instance, exports, "__wasm_apply_data_relocs");
            runIfExported(instance, exports, "__wasm_call_ctors");
        }
        SideModule linked = new SideModule(path, instance, exports, memoryBase, code.memorySize(), tableBase,
                code.tableSize(), gots);
        LOG.log(Level.DEBUG, () -> String.format("linked %s in %d ms (memory base %d, table base %d)",
                path, (System.nanoTime() - start) / 1_000_000, linked.memoryBase, linked.tableBase));
        return linked;
    }

    private static void runIfExported(Instance instance, Map<String, Export> exports, String name) {
        if (exports.containsKey(name)) {
            instance.export(name).apply();
        }
    }

    private GlobalInstance envGlobal(Import imp, int memoryBase, int tableBase) {
        String name = imp.name();
        if (!imp.module().equals("env")) {
            // GotInternalizer turned GOT.mem and GOT.func imports into exported globals at build time
            throw new IllegalStateException("unknown global import " + imp.module() + "." + name);
        }
        switch (name) {
            case "__stack_pointer":
                return runtime.main().exports().global("__stack_pointer");
            case "__memory_base":
                return constant(memoryBase);
            case "__table_base":
                return constant(tableBase);
            default:
                GlobalInstance main = runtime.main().exports().global(name);
                if (main != null) {
                    return main;
                }
                throw new IllegalStateException("unknown global import env." + name);
        }
    }

    /**
     * The value of a GOT entry ({@code GOT.mem.<symbol>}: an address, {@code GOT.func.<symbol>}: a
     * table slot), from the main module's exports first, then the module's own; 0 when neither has
     * the symbol.
     */
    private long gotValue(String entry, Instance instance, Map<String, Export> exports, int memoryBase) {
        boolean data = entry.startsWith("GOT.mem.");
        String symbol = entry.substring(data ? "GOT.mem.".length() : "GOT.func.".length());
        if (data) {
            Integer address = mainGlobalExport(symbol);
            if (address != null) {
                return address;
            }
            Export own = exports.get(symbol);
            return own != null && own.exportType() == ExternalType.GLOBAL
                    ? memoryBase + instance.global(own.index()).getValue() : 0;
        }
        Integer index = mainFunctionExport(symbol);
        if (index != null) {
            Integer slot = slotOf(runtime.main(), index);
            return slot != null ? slot : addToTable(runtime.main(), index);
        }
        Export own = exports.get(symbol);
        return own != null && own.exportType() == ExternalType.FUNCTION ? addToTable(instance, own.index()) : 0;
    }

    private HostFunction function(String path, String name, FunctionType type) {
        HostFunction host = hostFunctions.apply(name);
        if (host != null) {
            return new HostFunction("env", name, type, host.handle());
        }
        String exportName = name.equals("setTempRet0") ? "_emscripten_tempret_set"
                : name.equals("getTempRet0") ? "_emscripten_tempret_get" : name;
        ExportFunction target = mainFunctionExport(exportName) != null
                ? runtime.main().export(exportName) : globalFunctions.get(name);
        if (target != null) {
            return new HostFunction("env", name, type, (instance, args) -> target.apply(args));
        }
        ExportFunction[] late = new ExportFunction[1];
        return new HostFunction("env", name, type, (instance, args) -> {
            if (late[0] == null) {
                late[0] = globalFunctions.get(name);
            }
            if (late[0] == null) {
                throw runtime.raisePostgresError("0A000", path + " needs the function " + name
                        + ", which this PGlite build does not provide");
            }
            return late[0].apply(args);
        });
    }

    private Integer mainFunctionExport(String name) {
        Export export = mainExport(name);
        return export != null && export.exportType() == ExternalType.FUNCTION ? export.index() : null;
    }

    private Integer mainGlobalExport(String name) {
        Export export = mainExport(name);
        return export != null && export.exportType() == ExternalType.GLOBAL
                ? (int) runtime.main().global(export.index()).getValue() : null;
    }

    private Map<String, Export> mainExports;

    private Export mainExport(String name) {
        if (mainExports == null) {
            mainExports = new HashMap<>();
            var section = runtime.main().module().exportSection();
            for (int i = 0; i < section.exportCount(); i++) {
                mainExports.putIfAbsent(section.getExport(i).name(), section.getExport(i));
            }
        }
        return mainExports.get(name);
    }

    /** The table slot holding {@code function} of {@code owner}, or {@code null}. */
    private Integer slotOf(Instance owner, int function) {
        if (slots == null) {
            slots = new IdentityHashMap<>();
            TableInstance table = runtime.table();
            for (int i = 0; i < table.size(); i++) {
                int ref = table.ref(i);
                if (ref != Value.REF_NULL_VALUE) {
                    Instance refOwner = table.instance(i) == null ? runtime.main() : table.instance(i);
                    slots.computeIfAbsent(refOwner, o -> new HashMap<>()).putIfAbsent(ref, i);
                }
            }
        }
        return slots.getOrDefault(owner, Map.of()).get(function);
    }

    private int addToTable(Instance owner, int function) {
        slotOf(owner, function); // builds the index before the table grows
        int slot = claimSlots(1);
        runtime.table().setRef(slot, function, owner);
        slots.computeIfAbsent(owner, o -> new HashMap<>()).put(function, slot);
        return slot;
    }

    /**
     * The first of {@code count} free table slots at the top, growing the table only when the
     * slots freed by a restore do not suffice (a table cannot shrink).
     */
    private int claimSlots(int count) {
        TableInstance table = runtime.table();
        if (tableTop < 0) {
            tableTop = table.size();
        }
        int first = tableTop;
        if (first + count > table.size()) {
            table.grow(first + count - table.size(), Value.REF_NULL_VALUE, runtime.main());
        }
        tableTop = first + count;
        return first;
    }

    /** The linker's state now: modules loaded, symbols known, table in use. */
    public State capture() {
        TableInstance table = runtime.table();
        int size = tableTop < 0 ? table.size() : tableTop;
        int[] refs = new int[size];
        Object[] owners = new Object[size];
        for (int i = 0; i < size; i++) {
            refs[i] = table.ref(i);
            owners[i] = table.instance(i);
        }
        Map<Instance, Map<Integer, Integer>> slotsCopy = null;
        if (slots != null) {
            slotsCopy = new IdentityHashMap<>();
            for (var entry : slots.entrySet()) {
                slotsCopy.put(entry.getKey(), new HashMap<>(entry.getValue()));
            }
        }
        return new State(this, runtime.main(), runtime.callbacks(), new HashMap<>(byPath), new HashMap<>(byHandle),
                new HashMap<>(globalFunctions), slotsCopy, refs, owners);
    }

    /**
     * Puts the linker back as captured, with the memory restored alongside: modules linked since
     * are forgotten (their memory is gone) and their table slots freed for the next link.
     */
    public void restore(State state) {
        if (state.linker != this) {
            restoreCopy(state);
            return;
        }
        byPath.clear();
        byPath.putAll(state.byPath);
        byHandle.clear();
        byHandle.putAll(state.byHandle);
        globalFunctions.clear();
        globalFunctions.putAll(state.globalFunctions);
        slots = null;
        if (state.slots != null) {
            slots = new IdentityHashMap<>();
            for (var entry : state.slots.entrySet()) {
                slots.put(entry.getKey(), new HashMap<>(entry.getValue()));
            }
        }
        TableInstance table = runtime.table();
        for (int i = 0; i < table.size(); i++) {
            int ref = i < state.refs.length ? state.refs[i] : Value.REF_NULL_VALUE;
            Instance owner = i < state.refs.length ? (Instance) state.owners[i] : null;
            if (table.ref(i) != ref || table.instance(i) != owner) {
                table.setRef(i, ref, owner);
            }
        }
        tableTop = state.refs.length;
    }

    /**
     * Takes over the linker state of another instance (a clone): its side modules linked again here,
     * in their order, at the same memory and table bases, and the table filled as it was there.
     */
    private void restoreCopy(State state) {
        byPath.clear();
        byHandle.clear();
        globalFunctions.clear();
        TableInstance table = runtime.table();
        if (table.size() < state.refs.length) {
            table.grow(state.refs.length - table.size(), Value.REF_NULL_VALUE, runtime.main());
        }
        Map<Object, Instance> instances = new IdentityHashMap<>();
        instances.put(state.main, runtime.main());
        instances.put(state.callbacks, runtime.callbacks()); // the host's own callbacks, maybe at other slots here
        Map<SideModule, SideModule> modules = new IdentityHashMap<>();
        List<SideModule> inOrder = new java.util.ArrayList<>(new java.util.LinkedHashSet<>(state.byPath.values()));
        inOrder.sort(java.util.Comparator.comparingInt(module -> module.tableBase));
        for (SideModule theirs : inOrder) {
            SideModuleCode code = compiled.apply(theirs.path);
            if (code == null) {
                throw new IllegalStateException("cannot clone: this engine build has no side module " + theirs.path);
            }
            SideModule mine = link(theirs.path, code, theirs);
            modules.put(theirs, mine);
            instances.put(theirs.identity, mine.instance);
        }
        state.byPath.forEach((path, module) -> byPath.put(path, modules.get(module)));
        state.byHandle.forEach((handle, module) -> byHandle.put(handle, modules.get(module)));
        for (int i = 0; i < state.refs.length; i++) {
            Instance owner = state.owners[i] == null ? runtime.main() : instances.get(state.owners[i]);
            if (owner == null) {
                throw new IllegalStateException("cannot clone: table slot " + i + " belongs to an instance unknown to the clone");
            }
            table.setRef(i, state.refs[i], owner);
        }
        for (int i = state.refs.length; i < table.size(); i++) {
            table.setRef(i, Value.REF_NULL_VALUE, null);
        }
        slots = null;
        tableTop = state.refs.length;
    }

    /** A captured linker state; written to and read from snapshot files. */
    public static final class State {
        /**
         * Writes the modules (path, bases, GOT entries), the handles PostgreSQL holds and the table
         * in use, each slot's owner as a code: -1 none, 0 main module, 1 host callbacks, 2+k module k.
         */
        public void writeTo(java.io.DataOutputStream out) throws java.io.IOException {
            List<SideModule> modules = new java.util.ArrayList<>(new java.util.LinkedHashSet<>(byPath.values()));
            modules.sort(java.util.Comparator.comparingInt(module -> module.tableBase));
            Map<Object, Integer> codes = new IdentityHashMap<>();
            codes.put(main, 0);
            codes.put(callbacks, 1);
            out.writeInt(modules.size());
            for (int k = 0; k < modules.size(); k++) {
                SideModule module = modules.get(k);
                codes.put(module.identity, 2 + k);
                out.writeUTF(module.path);
                out.writeInt(module.memoryBase);
                out.writeInt(module.memorySize);
                out.writeInt(module.tableBase);
                out.writeInt(module.tableSize);
                out.writeInt(module.gots.size());
                for (var got : new java.util.TreeMap<>(module.gots).entrySet()) {
                    out.writeUTF(got.getKey());
                    out.writeLong(got.getValue().getValue());
                }
            }
            out.writeInt(byHandle.size());
            for (var handle : byHandle.entrySet()) {
                out.writeInt(handle.getKey());
                out.writeInt(modules.indexOf(handle.getValue()));
            }
            out.writeInt(refs.length);
            for (int i = 0; i < refs.length; i++) {
                Integer code = owners[i] == null ? Integer.valueOf(-1) : codes.get(owners[i]);
                if (code == null) {
                    throw new IllegalStateException("table slot " + i + " belongs to an instance the snapshot does not know");
                }
                out.writeInt(refs[i]);
                out.writeInt(code);
            }
        }

        /** Reads what {@link #writeTo} wrote; restoring it links the modules again. */
        public static State readFrom(java.io.DataInputStream in) throws java.io.IOException {
            Object main = new Object();
            Object callbacks = new Object();
            List<SideModule> modules = new java.util.ArrayList<>();
            Map<String, SideModule> byPath = new HashMap<>();
            int moduleCount = in.readInt();
            for (int k = 0; k < moduleCount; k++) {
                String path = in.readUTF();
                int memoryBase = in.readInt();
                int memorySize = in.readInt();
                int tableBase = in.readInt();
                int tableSize = in.readInt();
                Map<String, GlobalInstance> gots = new HashMap<>();
                int gotCount = in.readInt();
                for (int g = 0; g < gotCount; g++) {
                    gots.put(in.readUTF(), new GlobalInstance(in.readLong(), 0, ValType.I32, MutabilityType.Var));
                }
                SideModule module = new SideModule(path, null, Map.of(), memoryBase, memorySize, tableBase, tableSize, gots);
                modules.add(module);
                byPath.put(path, module);
            }
            Map<Integer, SideModule> byHandle = new HashMap<>();
            int handles = in.readInt();
            for (int h = 0; h < handles; h++) {
                byHandle.put(in.readInt(), modules.get(in.readInt()));
            }
            int size = in.readInt();
            int[] refs = new int[size];
            Object[] owners = new Object[size];
            for (int i = 0; i < size; i++) {
                refs[i] = in.readInt();
                int code = in.readInt();
                owners[i] = code == -1 ? null : code == 0 ? main : code == 1 ? callbacks : modules.get(code - 2).identity;
            }
            return new State(null, main, callbacks, byPath, byHandle, new HashMap<>(), null, refs, owners);
        }

        private final DynamicLinkImports linker;
        /** Identities of the main module's and the callbacks' instances, owners in the table. */
        private final Object main;
        private final Object callbacks;
        private final Map<String, SideModule> byPath;
        private final Map<Integer, SideModule> byHandle;
        private final Map<String, ExportFunction> globalFunctions;
        private final Map<Instance, Map<Integer, Integer>> slots;
        private final int[] refs;
        /** The instance (or, read from a file, a stand-in identity) each slot's function belongs to. */
        private final Object[] owners;

        State(DynamicLinkImports linker, Object main, Object callbacks, Map<String, SideModule> byPath, Map<Integer, SideModule> byHandle,
                Map<String, ExportFunction> globalFunctions, Map<Instance, Map<Integer, Integer>> slots, int[] refs,
                Object[] owners) {
            this.linker = linker;
            this.main = main;
            this.callbacks = callbacks;
            this.byPath = byPath;
            this.byHandle = byHandle;
            this.globalFunctions = globalFunctions;
            this.slots = slots;
            this.refs = refs;
            this.owners = owners;
        }
    }

    private static GlobalInstance constant(int value) {
        return new GlobalInstance(value, 0, ValType.I32, MutabilityType.Const);
    }

    private static final class SideModule {
        final String path;
        final Instance instance;
        final Map<String, Export> exports;
        final int memoryBase;
        final int memorySize;
        final int tableBase;
        final int tableSize;
        /** Its GOT entries by "GOT.mem.name" / "GOT.func.name": addresses and table slots, set at link. */
        final Map<String, GlobalInstance> gots;
        /** Who owns its table slots: its instance, or a stand-in for a module read from a file. */
        final Object identity;

        SideModule(String path, Instance instance, Map<String, Export> exports,
                int memoryBase, int memorySize, int tableBase, int tableSize, Map<String, GlobalInstance> gots) {
            this.gots = gots;
            this.identity = instance != null ? instance : new Object();
            this.path = path;
            this.instance = instance;
            this.exports = exports;
            this.memoryBase = memoryBase;
            this.memorySize = memorySize;
            this.tableBase = tableBase;
            this.tableSize = tableSize;
        }
    }
}
