package io.pglite.build;

import io.pglite.build.WasmCode.FuncType;
import io.pglite.build.WasmCode.Insn;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Splits the functions of a WebAssembly module whose bodies are larger than a limit into smaller functions, so that
 * an ahead-of-time compiler to JVM bytecode can compile every function into a method (at most 64 KiB of bytecode).
 *
 * <p>A body is shrunk by outlining regions of it into new functions appended to the module, until it fits. A region
 * is a run of whole instructions of one instruction list (a block, loop or if body, or the function body) that
 * starts and ends with an empty operand stack. The new function takes as parameters the locals the region reads,
 * and the locals it writes that are live where it continues ({@link Liveness}: after it, or at a label it branches
 * to), so that a path that does not write them keeps their values. It hands those back through scratch mutable
 * globals (one per value type and slot,
 * appended to the global section), set just before it returns and read by the caller right after the call. A
 * branch that leaves the region, a {@code return} and a branch to the function's own label become an i32 result
 * code (0 is falling off the end of the region), which the caller turns back into the branch with a
 * {@code br_table}; a returned value goes through a scratch global too. Regions are picked greedily: the largest
 * one that fits the limit, less a cost for each distinct exit, so that the arms of a large {@code br_table} switch
 * are outlined one by one rather than the chain of blocks that dispatches to them. Outlined functions larger than
 * the limit are split in turn.
 *
 * <p>Function, table, element, export and global indices stay valid: new types, functions and globals are appended.
 * Custom sections (such as {@code dylink.0}) and all other sections are copied unchanged.
 *
 * <p>Two limits, each the size of a function body in bytes of wasm (locals declarations included): bodies over the
 * target are split toward it, and a body that cannot be brought under the target is left as it is if it fits the
 * maximum (the size a JVM method can hold), or fails the transform if it does not. The target exists for HotSpot,
 * which never JIT-compiles a method of more than 8,000 bytes of bytecode (about 4,500 bytes of wasm).
 *
 * <p>Options: {@code --wasm in.wasm --out out.wasm --target-size BYTES --max-size BYTES --version V}, where
 * {@code V} must be {@link #VERSION}.
 */
public final class FunctionSplitter {

    /** Version of the transform, part of the key of the AOT output made from its result. */
    public static final String VERSION = "3";


    private static final byte[] HEADER = {0, 'a', 's', 'm', 1, 0, 0, 0};
    private static final int TYPE_SECTION = 1;
    private static final int IMPORT_SECTION = 2;
    private static final int FUNCTION_SECTION = 3;
    private static final int GLOBAL_SECTION = 6;
    private static final int CODE_SECTION = 10;
    /** Label of a region exit that returns from the function. */
    private static final int RETURN_TARGET = Integer.MAX_VALUE;
    /** Bytes of region a distinct exit is worth when choosing regions. */
    private static final int EXIT_COST = 10;
    /** Regions smaller than this are not worth a call. */
    private static final int MIN_REGION = 48;
    /** A br_table that leaves a region to more outer labels than this is run again by the caller. */
    private static final int TABLE_EXITS = 4;
    /** Type of the global that hands a br_table's index back; shares the map of return globals under a fake type. */
    private static final byte INDEX_TYPE = 0x01;

    private final List<FuncType> types = new ArrayList<>();
    private final Map<String, Integer> typeIndex = new HashMap<>();
    private final List<Integer> functionTypes = new ArrayList<>();
    private int functionImports;
    private int globalImports;
    private int definedGlobals;
    private final List<Byte> newGlobals = new ArrayList<>();
    private final Map<Byte, List<Integer>> scratch = new HashMap<>();
    private final Map<Byte, Integer> returnGlobals = new HashMap<>();
    private final List<Function> bodies = new ArrayList<>();
    private final int targetSize;
    private final int maxSize;
    private final List<String> report = new ArrayList<>();

    private FunctionSplitter(int targetSize, int maxSize) {
        if (targetSize > maxSize) {
            throw new IllegalArgumentException("target size " + targetSize + " over the maximum " + maxSize);
        }
        this.targetSize = targetSize;
        this.maxSize = maxSize;
    }

    public static void main(String[] args) throws IOException {
        Args options = Args.parse(args);
        Path out = options.path("out");
        int target = Integer.parseInt(options.string("target-size"));
        int max = Integer.parseInt(options.string("max-size"));
        if (!VERSION.equals(options.string("version"))) {
            throw new IllegalArgumentException("--version " + options.string("version") + " (expected: " + VERSION
                    + ", the version of this FunctionSplitter; the build's AOT key must name the version it runs)");
        }
        FunctionSplitter splitter = new FunctionSplitter(target, max);
        byte[] result = splitter.transform(Files.readAllBytes(options.path("wasm")));
        boolean written = BuildFiles.writeIfChanged(out, result);
        splitter.report.forEach(line -> System.out.println("[FunctionSplitter] " + line));
        System.out.println("[FunctionSplitter] " + out.getFileName() + ": " + result.length + " bytes, bodies split"
                + " toward " + target + " bytes, none over " + max + (written ? ", written" : ", up to date"));
    }

    /**
     * Returns {@code wasm} with every function body larger than {@code targetSize} bytes split toward it, and none
     * left larger than {@code maxSize}.
     */
    static byte[] split(byte[] wasm, int targetSize, int maxSize) {
        return new FunctionSplitter(targetSize, maxSize).transform(wasm);
    }

    /** Returns {@code wasm} with every function body larger than {@code maxSize} bytes split. */
    static byte[] split(byte[] wasm, int maxSize) {
        return split(wasm, maxSize, maxSize);
    }

    // ---------------------------------------------------------------- module

    private record Section(int id, byte[] contents) {
    }

    /** A defined function: its type, local types (parameters first) and body. */
    private static final class Function {
        final int index;
        final int typeIndex;
        final byte[] original;
        byte[] localTypes;
        List<Insn> insns;

        Function(int index, int typeIndex, byte[] original) {
            this.index = index;
            this.typeIndex = typeIndex;
            this.original = original;
        }

        boolean decoded() {
            return insns != null;
        }
    }

    /**
     * The parser's switch nests hundreds of blocks, and the passes over them recurse once or twice per level:
     * they run on a thread of their own with a large stack, whatever the caller's stack (a test runner's default
     * 1 MB overflowed now and then, depending on how much of the passes the JIT had compiled).
     */
    private byte[] transform(byte[] wasm) {
        Object[] outcome = new Object[1];
        Thread worker = new Thread(null, () -> {
            try {
                outcome[0] = transformOnThisThread(wasm);
            } catch (RuntimeException | Error e) {
                outcome[0] = e;
            }
        }, "function-splitter", 512L << 20);
        worker.start();
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while splitting functions", e);
        }
        if (outcome[0] instanceof RuntimeException e) {
            throw e;
        }
        if (outcome[0] instanceof Error e) {
            throw e;
        }
        return (byte[]) outcome[0];
    }

    private byte[] transformOnThisThread(byte[] wasm) {
        if (wasm.length < HEADER.length || !Arrays.equals(wasm, 0, HEADER.length, HEADER, 0, HEADER.length)) {
            throw new IllegalArgumentException("not a version 1 wasm module (expected: header 00 61 73 6d 01 00 00 00)");
        }
        List<Section> sections = new ArrayList<>();
        Reader in = new Reader(wasm, HEADER.length);
        while (in.position < wasm.length) {
            int id = in.u8();
            int size = in.uleb();
            sections.add(new Section(id, in.bytes(size)));
        }
        for (Section section : sections) {
            Reader r = new Reader(section.contents, 0);
            switch (section.id) {
                case TYPE_SECTION -> readTypes(r);
                case IMPORT_SECTION -> readImports(r);
                case FUNCTION_SECTION -> {
                    for (int n = r.uleb(); n > 0; n--) {
                        functionTypes.add(r.uleb());
                    }
                }
                case GLOBAL_SECTION -> definedGlobals = r.uleb();
                case CODE_SECTION -> readCode(r);
                default -> {
                }
            }
        }
        WasmCode.ModuleTypes moduleTypes = new WasmCode.ModuleTypes() {
            @Override
            public FuncType type(int index) {
                return types.get(index);
            }

            @Override
            public FuncType functionType(int index) {
                return types.get(functionTypes.get(index));
            }
        };
        Deque<Function> work = new ArrayDeque<>();
        for (Function function : new ArrayList<>(bodies)) {
            if (function.original.length > targetSize) {
                decode(function, moduleTypes);
                work.add(function);
            }
        }
        int functionCount = bodies.size();
        while (!work.isEmpty()) {
            Function function = work.poll();
            int before = bodySize(function);
            int outlined = 0;
            for (int size = before; size > targetSize; ) {
                Scan scan = new Scan(function);
                List<Function> created = outlineBatch(function, scan, targetSize);
                if (created.isEmpty() && SwitchSplitter.split(function.insns, targetSize / 2, switchHost(function))) {
                    continue; // a switch's chain is cut into pieces: regions to outline
                }
                if (created.isEmpty() && size > maxSize) {
                    // the regions that fit the target are too few or too costly to call (a switch's dispatch
                    // chain): outline larger ones, which are split toward the target in turn
                    scan = new Scan(function);
                    created = outlineBatch(function, scan, maxSize);
                }
                int after = bodySize(function);
                outlined += created.size();
                for (Function f : created) {
                    if (bodySize(f) > targetSize) {
                        work.add(f);
                    }
                }
                if (after >= size) {
                    if (after <= maxSize) {
                        break; // as small as outlining gets it, and small enough for a method
                    }
                    throw new IllegalStateException("function " + function.index + " (" + after + " bytes) has no"
                            + " region that can be outlined to bring it under " + maxSize + " bytes (" + scan.candidates.size()
                            + " candidates, largest " + scan.candidates.stream().mapToInt(Region::size).max().orElse(0)
                            + " bytes): raise the limit");
                }
                size = after;
                if (bodies.size() > 4 * functionCount + 1_000_000 / targetSize) {
                    throw new IllegalStateException("splitting does not converge: " + (bodies.size() - functionCount)
                            + " functions outlined; raise the target " + targetSize);
                }
            }
            int after = bodySize(function);
            report.add("function " + function.index + ": " + before + " -> " + after + " bytes, " + outlined
                    + " regions outlined" + (after > targetSize ? " (no region left to outline)" : ""));
        }
        if (bodies.stream().noneMatch(Function::decoded)) {
            return wasm;
        }
        return write(sections);
    }

    private void readTypes(Reader r) {
        for (int n = r.uleb(); n > 0; n--) {
            int form = r.u8();
            if (form != 0x60) {
                throw new IllegalArgumentException("type form 0x" + Integer.toHexString(form) + " (expected: 0x60)");
            }
            byte[] params = r.valueTypes();
            byte[] results = r.valueTypes();
            addType(new FuncType(params, results));
        }
    }

    private int addType(FuncType type) {
        String key = Arrays.toString(type.params()) + Arrays.toString(type.results());
        Integer existing = typeIndex.get(key);
        if (existing != null && existing >= 0) {
            return existing;
        }
        types.add(type);
        typeIndex.putIfAbsent(key, types.size() - 1);
        return types.size() - 1;
    }

    private void readImports(Reader r) {
        for (int n = r.uleb(); n > 0; n--) {
            r.bytes(r.uleb());
            r.bytes(r.uleb());
            int kind = r.u8();
            switch (kind) {
                case 0x00 -> {
                    functionTypes.add(r.uleb());
                    functionImports++;
                }
                case 0x01 -> {
                    r.valueType();
                    r.limits();
                }
                case 0x02 -> r.limits();
                case 0x03 -> {
                    r.valueType();
                    r.u8();
                    globalImports++;
                }
                case 0x04 -> {
                    r.u8();
                    r.uleb();
                }
                default -> throw new IllegalArgumentException("import kind: " + kind + " (expected: 0 to 4)");
            }
        }
    }

    private void readCode(Reader r) {
        int count = r.uleb();
        if (count != functionTypes.size() - functionImports) {
            throw new IllegalArgumentException("code section has " + count + " bodies (expected: "
                    + (functionTypes.size() - functionImports) + ")");
        }
        for (int i = 0; i < count; i++) {
            int size = r.uleb();
            int index = functionImports + i;
            bodies.add(new Function(index, functionTypes.get(index), r.bytes(size)));
        }
    }

    private void decode(Function function, WasmCode.ModuleTypes moduleTypes) {
        Reader r = new Reader(function.original, 0);
        FuncType type = types.get(function.typeIndex);
        ByteArrayOutputStream locals = new ByteArrayOutputStream();
        locals.writeBytes(type.params());
        for (int groups = r.uleb(); groups > 0; groups--) {
            int count = r.uleb();
            byte valueType = (byte) r.u8();
            for (int k = 0; k < count; k++) {
                locals.write(valueType);
            }
        }
        function.localTypes = locals.toByteArray();
        function.insns = WasmCode.decode(function.original, r.position, function.original.length, moduleTypes);
    }

    private byte[] write(List<Section> sections) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(HEADER);
        boolean globalsWritten = false;
        for (Section section : sections) {
            int id = section.id;
            if (!globalsWritten && !newGlobals.isEmpty() && id != 0 && id != GLOBAL_SECTION
                    && order(id) > order(GLOBAL_SECTION)) {
                writeSection(out, GLOBAL_SECTION, globals(null));
                globalsWritten = true;
            }
            switch (id) {
                case TYPE_SECTION -> writeSection(out, id, typeSection());
                case FUNCTION_SECTION -> writeSection(out, id, functionSection());
                case GLOBAL_SECTION -> {
                    writeSection(out, id, globals(section.contents));
                    globalsWritten = true;
                }
                case CODE_SECTION -> writeSection(out, id, codeSection());
                default -> writeSection(out, id, section.contents);
            }
        }
        return out.toByteArray();
    }

    /** Position of a section in the required order (data count comes before code, tags before globals). */
    private static int order(int id) {
        return switch (id) {
            case 13 -> 55; // tag: after memory, before global
            case 12 -> 95; // data count: after element, before code
            default -> id * 10;
        };
    }

    private byte[] typeSection() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Leb.writeUnsigned(out, types.size());
        for (FuncType type : types) {
            out.write(0x60);
            Leb.writeUnsigned(out, type.params().length);
            out.writeBytes(type.params());
            Leb.writeUnsigned(out, type.results().length);
            out.writeBytes(type.results());
        }
        return out.toByteArray();
    }

    private byte[] functionSection() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Leb.writeUnsigned(out, functionTypes.size() - functionImports);
        for (int i = functionImports; i < functionTypes.size(); i++) {
            Leb.writeUnsigned(out, functionTypes.get(i));
        }
        return out.toByteArray();
    }

    private byte[] globals(byte[] existing) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Leb.writeUnsigned(out, definedGlobals + newGlobals.size());
        if (existing != null) {
            Reader r = new Reader(existing, 0);
            r.uleb();
            out.write(existing, r.position, existing.length - r.position);
        }
        for (byte type : newGlobals) {
            out.write(type);
            out.write(1); // mutable
            switch (type) {
                case WasmCode.I32 -> out.writeBytes(new byte[] {0x41, 0});
                case WasmCode.I64 -> out.writeBytes(new byte[] {0x42, 0});
                case WasmCode.F32 -> out.writeBytes(new byte[] {0x43, 0, 0, 0, 0});
                case WasmCode.F64 -> out.writeBytes(new byte[] {0x44, 0, 0, 0, 0, 0, 0, 0, 0});
                default -> throw new IllegalStateException("scratch global of type " + type);
            }
            out.write(WasmCode.END);
        }
        return out.toByteArray();
    }

    private byte[] codeSection() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Leb.writeUnsigned(out, bodies.size());
        for (Function function : bodies) {
            byte[] body = function.decoded() ? encode(function) : function.original;
            Leb.writeUnsigned(out, body.length);
            out.writeBytes(body);
        }
        return out.toByteArray();
    }

    private byte[] encode(Function function) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeLocals(out, function);
        WasmCode.writeAll(out, function.insns);
        out.write(WasmCode.END);
        return out.toByteArray();
    }

    /** Appends a function to the module. */
    private Function addFunction(FuncType type, byte[] localTypes, List<Insn> body) {
        int typeIndex = addType(type);
        Function created = new Function(functionTypes.size(), typeIndex, new byte[0]);
        functionTypes.add(typeIndex);
        created.localTypes = localTypes;
        created.insns = body;
        bodies.add(created);
        return created;
    }

    /** Lets {@link SwitchSplitter} add locals to {@code function} and functions to the module. */
    private SwitchSplitter.Host switchHost(Function function) {
        return new SwitchSplitter.Host() {
            @Override
            public int newI32Local() {
                return addLocal(function);
            }

            @Override
            public int newLookupFunction(List<Insn> body) {
                byte[] i32 = {WasmCode.I32};
                return addFunction(new FuncType(i32, i32), i32, body).index;
            }
        };
    }

    /** Adds an i32 local to {@code function}; returns its index. */
    private static int addLocal(Function function) {
        byte[] locals = Arrays.copyOf(function.localTypes, function.localTypes.length + 1);
        locals[locals.length - 1] = WasmCode.I32;
        function.localTypes = locals;
        return locals.length - 1;
    }

    private void writeLocals(ByteArrayOutputStream out, Function function) {
        int params = types.get(function.typeIndex).params().length;
        byte[] locals = function.localTypes;
        List<int[]> groups = new ArrayList<>();
        for (int i = params; i < locals.length; i++) {
            if (!groups.isEmpty() && groups.get(groups.size() - 1)[1] == locals[i]) {
                groups.get(groups.size() - 1)[0]++;
            } else {
                groups.add(new int[] {1, locals[i]});
            }
        }
        Leb.writeUnsigned(out, groups.size());
        for (int[] group : groups) {
            Leb.writeUnsigned(out, group[0]);
            out.write(group[1]);
        }
    }

    private int bodySize(Function function) {
        ByteArrayOutputStream locals = new ByteArrayOutputStream();
        writeLocals(locals, function);
        return locals.size() + WasmCode.sizeOf(function.insns) + 1;
    }

    private static void writeSection(ByteArrayOutputStream out, int id, byte[] contents) {
        out.write(id);
        Leb.writeUnsigned(out, contents.length);
        out.writeBytes(contents);
    }

    // ---------------------------------------------------------------- region selection

    /** A candidate region: items {@code from} (inclusive) to {@code to} (exclusive) of {@code list}. */
    private record Region(List<Insn> list, int from, int to, int[] labelArities, int size, int score, Place path) {
    }

    /** Where a list sits: the instruction (item {@code index} of {@code list}) that owns it, and so on outwards. */
    private record Place(Place parent, List<Insn> list, int index) {
    }

    /** Per-pass facts about a function: sizes and exits of every instruction. */
    private final class Scan {
        final Function function;
        final int results;
        final int minRegion = Math.min(MIN_REGION, targetSize / 4);
        final Map<Insn, Integer> sizes = new IdentityHashMap<>();
        /** Labels each instruction branches to, relative to its list (0 = the list's own label). */
        final Map<Insn, int[]> exits = new IdentityHashMap<>();
        final List<Region> candidates = new ArrayList<>();

        Scan(Function function) {
            this.function = function;
            this.results = types.get(function.typeIndex).results().length;
        }

        int size(Insn insn) {
            Integer size = sizes.get(insn);
            if (size == null) {
                if (insn.structured()) {
                    size = 2 + insn.blockType.length;
                    for (Insn child : insn.body) {
                        size += size(child);
                    }
                    if (insn.elseBody != null) {
                        size++;
                        for (Insn child : insn.elseBody) {
                            size += size(child);
                        }
                    }
                } else {
                    size = insn.size();
                }
                sizes.put(insn, size);
            }
            return size;
        }

        int[] exits(Insn insn) {
            int[] result = exits.get(insn);
            if (result != null) {
                return result;
            }
            TreeSet<Integer> set = new TreeSet<>();
            if (insn.structured()) {
                addInner(set, insn.body);
                if (insn.elseBody != null) {
                    addInner(set, insn.elseBody);
                }
            } else if (insn.labels != null) {
                for (int label : insn.labels) {
                    set.add(label);
                }
            } else if (insn.op == WasmCode.RETURN) {
                set.add(RETURN_TARGET);
            }
            result = set.stream().mapToInt(Integer::intValue).toArray();
            exits.put(insn, result);
            return result;
        }

        private void addInner(TreeSet<Integer> set, List<Insn> body) {
            for (Insn child : body) {
                for (int label : exits(child)) {
                    if (label == RETURN_TARGET) {
                        set.add(label);
                    } else if (label > 0) {
                        set.add(label - 1);
                    }
                }
            }
        }

        /** Whether a region may contain a branch to {@code label} of a list with these label arities. */
        boolean exitAllowed(int label, int[] arities) {
            if (label == RETURN_TARGET) {
                return results <= 1;
            }
            if (label == arities.length - 1) { // the function's own label: a return
                return results == 0;
            }
            return arities[label] == 0;
        }

        void scanList(List<Insn> list, int[] arities, int base, int limit, Place path) {
            int n = list.size();
            int[] prefix = new int[n + 1];
            boolean[] start = new boolean[n + 1];
            boolean[] end = new boolean[n + 1];
            boolean[] barrier = new boolean[n];
            int height = base;
            boolean reachable = true;
            for (int i = 0; i < n; i++) {
                Insn insn = list.get(i);
                start[i] = reachable && height == 0;
                prefix[i + 1] = prefix[i] + size(insn);
                for (int label : exits(insn)) {
                    if (!exitAllowed(label, arities)) {
                        barrier[i] = true;
                    }
                }
                height = Math.max(0, height - insn.pops) + insn.pushes;
                if (insn.terminal()) {
                    reachable = false;
                    height = 0;
                }
                end[i + 1] = !reachable || height == 0;
                if (insn.structured()) {
                    int[] inner = new int[arities.length + 1];
                    System.arraycopy(arities, 0, inner, 1, arities.length);
                    inner[0] = insn.op == WasmCode.LOOP ? insn.params : insn.results;
                    scanList(insn.body, inner, insn.params, limit, new Place(path, list, i));
                    if (insn.elseBody != null) {
                        scanList(insn.elseBody, inner, insn.params, limit, new Place(path, list, i));
                    }
                }
            }
            // for each start, the furthest end that fits the limit with no barrier in between (non-decreasing),
            // and a window over those items counting their distinct exits
            Map<Integer, Integer> window = new HashMap<>();
            int lo = 0;
            int hi = 0;
            int probe = 0;
            int to = 0;
            for (int from = 0; from < n; from++) {
                if (barrier[from] || !start[from]) {
                    continue;
                }
                if (probe < from) {
                    probe = from;
                }
                if (to < from) {
                    to = from;
                }
                while (probe < n && !barrier[probe] && prefix[probe + 1] - prefix[from] <= limit) {
                    probe++;
                    if (end[probe]) {
                        to = probe;
                    }
                }
                if (to <= from) {
                    continue;
                }
                for (; lo < from; lo++) {
                    if (lo < hi) {
                        remove(window, list.get(lo));
                    }
                }
                if (hi < lo) {
                    hi = lo;
                }
                for (; hi < to; hi++) {
                    add(window, list.get(hi));
                }
                int size = prefix[to] - prefix[from];
                int score = size - EXIT_COST * Math.min(window.size(), 16);
                if (size >= minRegion) {
                    candidates.add(new Region(list, from, to, arities, size, score, path));
                }
            }
        }

        private void add(Map<Integer, Integer> window, Insn insn) {
            for (int label : exits(insn)) {
                window.merge(label, 1, Integer::sum);
            }
        }

        private void remove(Map<Integer, Integer> window, Insn insn) {
            for (int label : exits(insn)) {
                window.merge(label, -1, (a, b) -> a + b == 0 ? null : a + b);
            }
        }
    }

    // ---------------------------------------------------------------- outlining

    /**
     * Outlines a batch of regions of {@code function} found by one scan: the best ones that neither overlap nor nest,
     * until the body should fit. Returns the new functions: none if no region of it can be outlined.
     */
    private List<Function> outlineBatch(Function function, Scan scan, int fit) {
        int bodySize = bodySize(function);
        // a region of at most three quarters of the size to fit and of the body, so that outlined functions get smaller
        int limit = Math.min(fit * 3 / 4, bodySize * 3 / 4);
        scan.scanList(function.insns, new int[] {scan.results}, 0, limit, null);
        scan.candidates.sort((a, b) -> Integer.compare(b.score, a.score));
        Liveness liveness = Liveness.of(function.insns);

        List<Region> chosen = new ArrayList<>();
        Map<Insn, Boolean> taken = new IdentityHashMap<>(); // the items of chosen regions
        Map<List<Insn>, TreeSet<Integer>> ancestors = new IdentityHashMap<>(); // items that contain chosen regions
        int estimate = bodySize;
        for (Region region : scan.candidates) {
            if (estimate <= fit - fit / 16 || chosen.size() >= 256) {
                break;
            }
            TreeSet<Integer> inside = ancestors.get(region.list);
            if (inside != null && inside.ceiling(region.from) != null && inside.ceiling(region.from) < region.to) {
                continue; // contains a chosen region
            }
            boolean free = true;
            for (int i = region.from; i < region.to && free; i++) {
                free = !taken.containsKey(region.list.get(i));
            }
            for (Place p = region.path; p != null && free; p = p.parent) {
                free = !taken.containsKey(p.list.get(p.index));
            }
            if (!free) {
                continue; // overlaps or sits inside a chosen region
            }
            chosen.add(region);
            for (int i = region.from; i < region.to; i++) {
                taken.put(region.list.get(i), Boolean.TRUE);
            }
            for (Place p = region.path; p != null; p = p.parent) {
                ancestors.computeIfAbsent(p.list, l -> new TreeSet<>()).add(p.index);
            }
            estimate -= region.size - 24;
        }
        chosen.sort((a, b) -> Integer.compare(b.from, a.from)); // later ones first: earlier indices stay valid
        Map<Region, BitSet> liveOut = new IdentityHashMap<>(); // before any is outlined: outlining changes the code
        for (Region region : chosen) {
            liveOut.put(region, liveOut(liveness, region));
        }
        List<Function> created = new ArrayList<>();
        for (Region region : chosen) {
            Function f = outline(function, scan, region, fit, liveOut.get(region));
            if (f != null) {
                created.add(f);
            }
        }
        if (created.isEmpty()) {
            for (Region region : scan.candidates) {
                Function f = outline(function, scan, region, bodySize * 3 / 4, liveOut(liveness, region));
                if (f != null) {
                    return List.of(f);
                }
            }
        }
        return created;
    }

    /** The locals live where {@code region} continues: after it, and at every label it branches to. */
    private static BitSet liveOut(Liveness liveness, Region region) {
        TreeSet<Integer> reached = new TreeSet<>();
        collectExits(region.list.subList(region.from, region.to), 0, region.labelArities.length - 1, new TreeSet<>(),
                new ArrayList<>(), reached);
        return liveness.liveAfter(region.list, region.to, reached);
    }

    /**
     * Outlines {@code region} and returns the new function, or returns null if the call would not be smaller than
     * the region or if the new function would be larger than {@code fit} bytes. {@code liveOut}: the locals live
     * where the region continues, which the new function hands back when it writes them.
     */
    private Function outline(Function caller, Scan scan, Region region, int fit, BitSet liveOut) {
        List<Insn> items = new ArrayList<>(region.list.subList(region.from, region.to));
        FuncType callerType = types.get(caller.typeIndex);
        int functionLabel = region.labelArities.length - 1;

        // exits: code 0 is the end of the region; then one code per outer label that a br or br_if leaves to (a
        // return last), then one per br_table that leaves the region, which the caller runs again
        TreeSet<Integer> targets = new TreeSet<>();
        List<Insn> tables = new ArrayList<>();
        collectExits(items, 0, functionLabel, targets, tables, new TreeSet<>());

        // locals: the ones it writes that are live where it continues come back to the caller
        BitSet reads = new BitSet();
        BitSet writes = new BitSet();
        collectLocals(items, reads, writes);
        BitSet back = (BitSet) writes.clone();
        back.and(liveOut);
        BitSet params = (BitSet) reads.clone();
        params.or(back);
        int[] paramLocals = params.stream().toArray();
        int[] backLocals = back.stream().toArray();
        BitSet used = (BitSet) reads.clone();
        used.or(writes);
        List<Integer> codes = new ArrayList<>(targets); // RETURN_TARGET sorts last
        int targetCodes = codes.size();
        int exitCount = targetCodes + tables.size();
        boolean returns = targets.contains(RETURN_TARGET);
        int callSize = 2 * paramLocals.length + 1 + Leb.unsignedSize(functionTypes.size()) + 5 * backLocals.length
                + (exitCount == 0 ? 3 : 6 + exitCount) + (returns ? 7 : 0);
        for (Insn table : tables) {
            callSize += 6 + table.size();
        }
        if (callSize + 4 >= region.size) {
            return null; // not worth a call
        }
        int overhead = 16 + 5 * backLocals.length + (exitCount == 0 ? 0 : 10 + 10 * exitCount);
        if (region.size + overhead > fit) {
            return null; // the new function would not fit
        }

        Map<Integer, Integer> localMap = new HashMap<>();
        ByteArrayOutputStream localTypes = new ByteArrayOutputStream();
        for (int local : paramLocals) {
            localMap.put(local, localMap.size());
            localTypes.write(caller.localTypes[local]);
        }
        byte[] paramTypes = localTypes.toByteArray();
        for (byte type : new byte[] {WasmCode.I32, WasmCode.I64, WasmCode.F32, WasmCode.F64}) {
            for (int local = used.nextSetBit(0); local >= 0; local = used.nextSetBit(local + 1)) {
                if (!params.get(local) && caller.localTypes[local] == type) {
                    localMap.put(local, localMap.size());
                    localTypes.write(type);
                }
            }
        }
        for (int local = used.nextSetBit(0); local >= 0; local = used.nextSetBit(local + 1)) {
            if (!localMap.containsKey(local)) { // a local of another type (a reference)
                localMap.put(local, localMap.size());
                localTypes.write(caller.localTypes[local]);
            }
        }
        byte returnType = callerType.results().length == 1 ? callerType.results()[0] : 0;
        int returnGlobal = returns && returnType != 0 ? returnGlobal(returnType) : -1;
        int codeLocal = -1;
        int indexLocal = -1;
        int indexGlobal = -1;
        if (exitCount > 0) {
            codeLocal = localMap.size();
            localTypes.write(WasmCode.I32);
        }
        if (!tables.isEmpty()) {
            indexLocal = codeLocal + 1;
            localTypes.write(WasmCode.I32);
            indexGlobal = returnGlobal(INDEX_TYPE);
        }

        // the outlined function's body
        Map<Object, Integer> codeOf = new IdentityHashMap<>();
        Map<Integer, Integer> targetCode = new HashMap<>();
        for (int k = 0; k < targetCodes; k++) {
            targetCode.put(codes.get(k), k + 1);
        }
        for (int t = 0; t < tables.size(); t++) {
            codeOf.put(tables.get(t), targetCodes + t + 1);
        }
        Rewrite rewrite = new Rewrite(localMap, targetCode, codeOf, exitCount, functionLabel, returnGlobal,
                indexLocal);
        List<Insn> region2 = rewrite.list(items, 0);
        int[] backGlobals = new int[backLocals.length];
        Map<Byte, Integer> slots = new HashMap<>();
        for (int i = 0; i < backLocals.length; i++) {
            byte type = caller.localTypes[backLocals[i]];
            int slot = slots.merge(type, 1, Integer::sum) - 1;
            backGlobals[i] = scratchGlobal(type, slot);
        }
        List<Insn> body = new ArrayList<>();
        if (exitCount == 0) {
            body.addAll(region2);
        } else {
            // block $all (block $x1 ... (block $xK REGION; code 0; br $all) code K; br $all ...) code 1) end
            List<Insn> inner = region2;
            inner.add(WasmCode.i32Const(0));
            inner.add(Insn.local(WasmCode.LOCAL_SET, codeLocal));
            inner.add(Insn.branch(WasmCode.BR, exitCount));
            for (int k = exitCount; k >= 1; k--) {
                List<Insn> outer = new ArrayList<>();
                outer.add(Insn.block(WasmCode.BLOCK, inner));
                outer.add(WasmCode.i32Const(k));
                outer.add(Insn.local(WasmCode.LOCAL_SET, codeLocal));
                if (k > 1) {
                    outer.add(Insn.branch(WasmCode.BR, k - 1));
                }
                inner = outer;
            }
            body.add(Insn.block(WasmCode.BLOCK, inner));
        }
        for (int i = 0; i < backLocals.length; i++) {
            body.add(Insn.local(WasmCode.LOCAL_GET, localMap.get(backLocals[i])));
            body.add(global(WasmCode.GLOBAL_SET, backGlobals[i]));
        }
        if (indexLocal >= 0) {
            body.add(Insn.local(WasmCode.LOCAL_GET, indexLocal));
            body.add(global(WasmCode.GLOBAL_SET, indexGlobal));
        }
        if (exitCount > 0) {
            body.add(Insn.local(WasmCode.LOCAL_GET, codeLocal));
        }
        Function created = addFunction(new FuncType(paramTypes, exitCount > 0 ? new byte[] {WasmCode.I32} : new byte[0]),
                localTypes.toByteArray(), body);
        int index = created.index;

        // the call that replaces the region:
        // block $a (block $t1 .. (block $tT (block $b call; restore; br_table codes) ret) table T) .. table 1) end
        List<Insn> call = new ArrayList<>();
        for (int local : paramLocals) {
            call.add(Insn.local(WasmCode.LOCAL_GET, local));
        }
        call.add(WasmCode.call(index, paramLocals.length, exitCount > 0 ? 1 : 0));
        for (int i = 0; i < backLocals.length; i++) {
            call.add(global(WasmCode.GLOBAL_GET, backGlobals[i]));
            call.add(Insn.local(WasmCode.LOCAL_SET, backLocals[i]));
        }
        List<Insn> stub = new ArrayList<>();
        if (exitCount == 0) {
            // in a block of its own, so that no later region separates the call from the reads of the globals
            stub.add(Insn.block(WasmCode.BLOCK, call));
        } else {
            int b = returns ? 1 : 0;
            int t = tables.size();
            int[] labels = new int[exitCount + 2];
            labels[0] = b + t; // $a
            for (int k = 1; k <= targetCodes; k++) {
                int target = codes.get(k - 1);
                labels[k] = target == RETURN_TARGET ? 0 : target + b + t + 1;
            }
            for (int j = 1; j <= t; j++) {
                labels[targetCodes + j] = b + t - j; // $tj
            }
            labels[exitCount + 1] = b + t;
            call.add(Insn.branch(WasmCode.BR_TABLE, labels));
            List<Insn> inner = call;
            if (returns) {
                List<Insn> outer = new ArrayList<>();
                outer.add(Insn.block(WasmCode.BLOCK, inner));
                if (returnGlobal >= 0) {
                    outer.add(global(WasmCode.GLOBAL_GET, returnGlobal));
                }
                outer.add(Insn.leaf(new byte[] {WasmCode.RETURN}, 0, 0));
                inner = outer;
            }
            for (int j = t; j >= 1; j--) {
                // after $tj: run table j again with the index it was given; j labels enclose it ($t1..$t(j-1), $a)
                List<Insn> outer = new ArrayList<>();
                outer.add(Insn.block(WasmCode.BLOCK, inner));
                outer.add(global(WasmCode.GLOBAL_GET, indexGlobal));
                outer.add(Insn.branch(WasmCode.BR_TABLE, rewrite.callerTable(tables.get(j - 1), j)));
                inner = outer;
            }
            stub.add(Insn.block(WasmCode.BLOCK, inner));
        }
        if (!fallsThrough(items)) {
            stub.add(Insn.leaf(new byte[] {WasmCode.UNREACHABLE}, 0, 0));
        }
        List<Insn> list = region.list;
        list.subList(region.from, region.to).clear();
        list.addAll(region.from, stub);
        return created;
    }

    /** Collects the outer labels that br and br_if leave the region to, and the br_tables that leave it. */
    private static void collectExits(List<Insn> list, int depth, int functionLabel, TreeSet<Integer> targets,
            List<Insn> tables, TreeSet<Integer> reached) {
        for (Insn insn : list) {
            if (insn.structured()) {
                collectExits(insn.body, depth + 1, functionLabel, targets, tables, reached);
                if (insn.elseBody != null) {
                    collectExits(insn.elseBody, depth + 1, functionLabel, targets, tables, reached);
                }
            } else if (insn.op == WasmCode.BR_TABLE) {
                TreeSet<Integer> outer = new TreeSet<>();
                for (int label : insn.labels) {
                    if (label >= depth) {
                        outer.add(label - depth == functionLabel ? RETURN_TARGET : label - depth);
                    }
                }
                reached.addAll(outer);
                if (outer.size() > TABLE_EXITS) {
                    tables.add(insn); // run again by the caller
                } else {
                    targets.addAll(outer);
                }
            } else if (insn.labels != null) {
                if (insn.labels[0] >= depth) {
                    int outer = insn.labels[0] - depth;
                    targets.add(outer == functionLabel ? RETURN_TARGET : outer);
                    reached.add(outer == functionLabel ? RETURN_TARGET : outer);
                }
            } else if (insn.op == WasmCode.RETURN) {
                targets.add(RETURN_TARGET);
            }
        }
    }

    /** Copies a region into the outlined function: locals renumbered, branches out of it turned into codes. */
    private final class Rewrite {
        final Map<Integer, Integer> localMap;
        final Map<Integer, Integer> targetCode;
        final Map<Object, Integer> tableCode;
        final Map<Insn, Integer> tableDepth = new IdentityHashMap<>();
        final int exitCount;
        final int functionLabel;
        final int returnGlobal;
        final int indexLocal;

        Rewrite(Map<Integer, Integer> localMap, Map<Integer, Integer> targetCode, Map<Object, Integer> tableCode,
                int exitCount, int functionLabel, int returnGlobal, int indexLocal) {
            this.localMap = localMap;
            this.targetCode = targetCode;
            this.tableCode = tableCode;
            this.exitCount = exitCount;
            this.functionLabel = functionLabel;
            this.returnGlobal = returnGlobal;
            this.indexLocal = indexLocal;
        }

        List<Insn> list(List<Insn> list, int depth) {
            List<Insn> result = new ArrayList<>(list.size());
            for (Insn insn : list) {
                if (insn.structured()) {
                    Insn copy = new Insn(insn.op);
                    copy.blockType = insn.blockType;
                    copy.params = insn.params;
                    copy.results = insn.results;
                    copy.pops = insn.pops;
                    copy.pushes = insn.pushes;
                    copy.body = list(insn.body, depth + 1);
                    if (insn.elseBody != null) {
                        copy.elseBody = list(insn.elseBody, depth + 1);
                    }
                    result.add(copy);
                } else if (insn.op == WasmCode.BR_TABLE && tableCode.containsKey(insn)) {
                    int[] labels = insn.labels.clone();
                    int code = tableCode.get(insn);
                    for (int i = 0; i < labels.length; i++) {
                        if (labels[i] >= depth) {
                            labels[i] = depth + exitCount - code;
                        }
                    }
                    tableDepth.put(insn, depth);
                    result.add(Insn.local(WasmCode.LOCAL_TEE, indexLocal));
                    result.add(Insn.branch(WasmCode.BR_TABLE, labels));
                } else if (insn.labels != null) {
                    int[] labels = insn.labels.clone();
                    for (int i = 0; i < labels.length; i++) {
                        if (labels[i] >= depth) {
                            int outer = labels[i] - depth;
                            int code = targetCode.get(outer == functionLabel ? RETURN_TARGET : outer);
                            labels[i] = depth + exitCount - code;
                        }
                    }
                    result.add(Insn.branch(insn.op, labels));
                } else if (insn.op == WasmCode.RETURN) {
                    if (returnGlobal >= 0) {
                        result.add(global(WasmCode.GLOBAL_SET, returnGlobal));
                    }
                    result.add(Insn.branch(WasmCode.BR, depth + exitCount - targetCode.get(RETURN_TARGET)));
                } else if (insn.op == WasmCode.LOCAL_GET || insn.op == WasmCode.LOCAL_SET
                        || insn.op == WasmCode.LOCAL_TEE) {
                    result.add(Insn.local(insn.op, localMap.get(insn.local)));
                } else {
                    result.add(insn);
                }
            }
            return result;
        }

        /**
         * The labels of {@code table} for the caller, where {@code enclosing} labels of the stub surround it: those
         * that left the region keep their outer label, the others (never taken there) go to the stub's end.
         */
        int[] callerTable(Insn table, int enclosing) {
            int depth = tableDepth.get(table);
            int[] labels = table.labels.clone();
            for (int i = 0; i < labels.length; i++) {
                labels[i] = labels[i] >= depth ? labels[i] - depth + enclosing : enclosing - 1;
            }
            return labels;
        }
    }

    /** Whether the end of the region can be reached (its last instructions leave the stack reachable). */
    private static boolean fallsThrough(List<Insn> items) {
        for (Insn insn : items) {
            if (insn.terminal()) {
                return false;
            }
        }
        return true;
    }

    private static void collectLocals(List<Insn> list, BitSet reads, BitSet writes) {
        for (Insn insn : list) {
            if (insn.structured()) {
                collectLocals(insn.body, reads, writes);
                if (insn.elseBody != null) {
                    collectLocals(insn.elseBody, reads, writes);
                }
            } else if (insn.op == WasmCode.LOCAL_GET) {
                reads.set(insn.local);
            } else if (insn.op == WasmCode.LOCAL_SET || insn.op == WasmCode.LOCAL_TEE) {
                writes.set(insn.local);
            }
        }
    }

    private int scratchGlobal(byte type, int slot) {
        List<Integer> list = scratch.computeIfAbsent(type, t -> new ArrayList<>());
        while (list.size() <= slot) {
            list.add(newGlobal(type));
        }
        return list.get(slot);
    }

    private int returnGlobal(byte type) {
        return returnGlobals.computeIfAbsent(type, t -> newGlobal(t == INDEX_TYPE ? WasmCode.I32 : t));
    }

    private int newGlobal(byte type) {
        if (type != WasmCode.I32 && type != WasmCode.I64 && type != WasmCode.F32 && type != WasmCode.F64) {
            throw new IllegalStateException("a region hands back a local of value type 0x"
                    + Integer.toHexString(type & 0xff) + " (expected: i32, i64, f32 or f64)");
        }
        newGlobals.add(type);
        return globalImports + definedGlobals + newGlobals.size() - 1;
    }

    private static Insn global(int op, int index) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(op);
        Leb.writeUnsigned(out, index);
        return Insn.leaf(out.toByteArray(), op == WasmCode.GLOBAL_SET ? 1 : 0, op == WasmCode.GLOBAL_GET ? 1 : 0);
    }

    /** A read position in a byte array. */
    private static final class Reader {
        private final byte[] bytes;
        int position;

        Reader(byte[] bytes, int position) {
            this.bytes = bytes;
            this.position = position;
        }

        int u8() {
            if (position >= bytes.length) {
                throw new IllegalArgumentException("wasm module truncated at byte " + position);
            }
            return bytes[position++] & 0xff;
        }

        int uleb() {
            long value = 0;
            for (int shift = 0; ; shift += 7) {
                int b = u8();
                value |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return Math.toIntExact(value);
                }
            }
        }

        byte[] bytes(int count) {
            if (count < 0 || count > bytes.length - position) {
                throw new IllegalArgumentException("wasm module truncated at byte " + position);
            }
            byte[] result = Arrays.copyOfRange(bytes, position, position + count);
            position += count;
            return result;
        }

        byte[] valueTypes() {
            int count = uleb();
            byte[] result = new byte[count];
            for (int i = 0; i < count; i++) {
                int type = u8();
                if (type == 0x63 || type == 0x64) {
                    throw new IllegalArgumentException("typed references are not supported");
                }
                result[i] = (byte) type;
            }
            return result;
        }

        void valueType() {
            int type = u8();
            if (type == 0x63 || type == 0x64) {
                uleb();
            }
        }

        void limits() {
            int flags = u8();
            uleb();
            if ((flags & 1) != 0) {
                uleb();
            }
        }
    }
}
