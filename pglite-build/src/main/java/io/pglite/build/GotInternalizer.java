package io.pglite.build;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * Turns the {@code GOT.mem} and {@code GOT.func} imports of a side module into mutable globals of
 * its own, exported under the import's name ({@code GOT.mem.<symbol>}), for the linker to set after
 * instantiation and before any code runs.
 *
 * <p>Why: Chicory matches each import of a new instance against the provided values by a linear
 * search, so instantiating a module with N imports costs N² string comparisons. pgcrypto.so has
 * 1,412 GOT imports, which made every clone of an instance that had loaded it 20-50 ms slower.
 * Exports are looked up by name in a map.
 *
 * <p>The global index space changes: the kept global imports come first, then the former GOT
 * imports, then the module's own globals. Every global index is renumbered: {@code global.get} and
 * {@code global.set} in function bodies, the constant expressions of globals, element and data
 * segments, and global exports. A module without GOT imports is returned unchanged.
 */
final class GotInternalizer {
    private static final int IMPORT = 2;
    private static final int GLOBAL = 6;
    private static final int EXPORT = 7;
    private static final int ELEMENT = 9;
    private static final int CODE = 10;
    private static final int DATA = 11;
    private static final int GLOBAL_KIND = 3;
    private static final byte[] MUTABLE_I32_ZERO = {0x7f, 1, 0x41, 0, 0x0b};

    /** The former GOT imports as export names, {@code GOT.mem.x}, in import order. */
    private final List<String> gotNames = new ArrayList<>();
    /** New index of each imported global. */
    private int[] importedGlobalMap = new int[0];
    private int keptGlobalImports;

    private GotInternalizer() {
    }

    static byte[] internalize(byte[] module) {
        GotInternalizer internalizer = new GotInternalizer();
        internalizer.scanImports(module);
        return internalizer.gotNames.isEmpty() ? module : internalizer.rewrite(module);
    }

    private int global(int index) {
        return index < importedGlobalMap.length ? importedGlobalMap[index]
                : keptGlobalImports + gotNames.size() + (index - importedGlobalMap.length);
    }

    private void scanImports(byte[] module) {
        WasmReader in = new WasmReader(module, 8);
        while (in.position < module.length) {
            int id = in.u8();
            int size = in.u32();
            int end = in.position + size;
            if (id == IMPORT) {
                List<Integer> map = new ArrayList<>();
                List<Boolean> got = new ArrayList<>();
                int count = in.u32();
                for (int i = 0; i < count; i++) {
                    String moduleName = in.name();
                    String name = in.name();
                    int kind = in.u8();
                    skipImportDescription(in, kind);
                    if (kind == GLOBAL_KIND) {
                        boolean isGot = moduleName.equals("GOT.mem") || moduleName.equals("GOT.func");
                        got.add(isGot);
                        map.add(isGot ? gotNames.size() : keptGlobalImports);
                        if (isGot) {
                            gotNames.add(moduleName + "." + name);
                        } else {
                            keptGlobalImports++;
                        }
                    }
                }
                importedGlobalMap = new int[map.size()];
                for (int g = 0; g < map.size(); g++) {
                    importedGlobalMap[g] = got.get(g) ? keptGlobalImports + map.get(g) : map.get(g);
                }
                return;
            }
            in.position = end;
        }
    }

    private static void skipImportDescription(WasmReader in, int kind) {
        switch (kind) {
            case 0 -> in.u32(); // function: type index
            case 1 -> { in.u8(); limits(in); } // table: reference type, limits
            case 2 -> limits(in); // memory
            case GLOBAL_KIND -> { in.u8(); in.u8(); } // value type, mutability
            default -> throw new IllegalArgumentException("unsupported import kind " + kind + " at byte " + in.position);
        }
    }

    private static void limits(WasmReader in) {
        int flags = in.u8();
        in.skipLeb();
        if ((flags & 1) != 0) {
            in.skipLeb();
        }
    }

    private byte[] rewrite(byte[] module) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(module.length + 64 * gotNames.size());
        out.write(module, 0, 8);
        WasmReader in = new WasmReader(module, 8);
        boolean globalsWritten = false;
        while (in.position < module.length) {
            int id = in.u8();
            int size = in.u32();
            int start = in.position;
            int end = start + size;
            if (!globalsWritten && id != 0 && comesAfterGlobals(id)) {
                section(out, GLOBAL, globalSection(null));
                globalsWritten = true;
            }
            byte[] content = switch (id) {
                case IMPORT -> importSection(in);
                case GLOBAL -> globalSection(in);
                case EXPORT -> exportSection(in);
                case ELEMENT -> elementSection(in);
                case CODE -> BodyRewriter.codeSection(in, IntUnaryOperator.identity(), this::global);
                case DATA -> dataSection(in);
                default -> {
                    in.position = end;
                    yield java.util.Arrays.copyOfRange(module, start, end);
                }
            };
            if (in.position != end) {
                throw new IllegalArgumentException("section " + id + " at byte " + start + " does not end at its declared size");
            }
            globalsWritten |= id == GLOBAL;
            section(out, id, content);
        }
        return out.toByteArray();
    }

    /** Sections that follow the global section in a module (export, start, element, data count, code, data). */
    private static boolean comesAfterGlobals(int id) {
        return id == EXPORT || id == 8 || id == ELEMENT || id == 12 || id == CODE || id == DATA;
    }

    private static void section(ByteArrayOutputStream out, int id, byte[] content) {
        out.write(id);
        Leb.writeUnsigned(out, content.length);
        out.writeBytes(content);
    }

    private byte[] importSection(WasmReader in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int count = in.u32();
        Leb.writeUnsigned(out, count - gotNames.size());
        for (int i = 0; i < count; i++) {
            int start = in.position;
            String moduleName = in.name();
            in.name();
            int kind = in.u8();
            skipImportDescription(in, kind);
            if (!(kind == GLOBAL_KIND && (moduleName.equals("GOT.mem") || moduleName.equals("GOT.func")))) {
                out.write(in.bytes, start, in.position - start);
            }
        }
        return out.toByteArray();
    }

    /** The former GOT imports as zeroed mutable i32 globals, then the module's own ({@code in} null: none). */
    private byte[] globalSection(WasmReader in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int count = in == null ? 0 : in.u32();
        Leb.writeUnsigned(out, gotNames.size() + count);
        for (int i = 0; i < gotNames.size(); i++) {
            out.writeBytes(MUTABLE_I32_ZERO);
        }
        for (int i = 0; i < count; i++) {
            out.write(in.u8()); // value type
            out.write(in.u8()); // mutability
            constantExpression(in, out);
        }
        return out.toByteArray();
    }

    private byte[] exportSection(WasmReader in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int count = in.u32();
        Leb.writeUnsigned(out, count + gotNames.size());
        for (int i = 0; i < count; i++) {
            int start = in.position;
            in.name();
            int kind = in.u8();
            out.write(in.bytes, start, in.position - start);
            int index = in.u32();
            Leb.writeUnsigned(out, kind == GLOBAL_KIND ? global(index) : index);
        }
        for (int j = 0; j < gotNames.size(); j++) {
            byte[] name = gotNames.get(j).getBytes(StandardCharsets.UTF_8);
            Leb.writeUnsigned(out, name.length);
            out.writeBytes(name);
            out.write(GLOBAL_KIND);
            Leb.writeUnsigned(out, keptGlobalImports + j);
        }
        return out.toByteArray();
    }

    private byte[] elementSection(WasmReader in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int count = in.u32();
        Leb.writeUnsigned(out, count);
        for (int i = 0; i < count; i++) {
            int flags = in.u32();
            Leb.writeUnsigned(out, flags);
            if ((flags & 3) == 2) { // active with a table index
                Leb.writeUnsigned(out, in.u32());
            }
            if ((flags & 1) == 0) { // active: offset
                constantExpression(in, out);
            }
            if ((flags & 3) != 0) { // element kind or reference type
                out.write(in.u8());
            }
            int items = in.u32();
            Leb.writeUnsigned(out, items);
            for (int k = 0; k < items; k++) {
                if ((flags & 4) == 0) {
                    Leb.writeUnsigned(out, in.u32()); // function index
                } else {
                    constantExpression(in, out);
                }
            }
        }
        return out.toByteArray();
    }

    private byte[] dataSection(WasmReader in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.bytes.length);
        int count = in.u32();
        Leb.writeUnsigned(out, count);
        for (int i = 0; i < count; i++) {
            int flags = in.u32();
            Leb.writeUnsigned(out, flags);
            if (flags == 2) {
                Leb.writeUnsigned(out, in.u32()); // memory index
            }
            if (flags != 1) {
                constantExpression(in, out);
            }
            int length = in.u32();
            Leb.writeUnsigned(out, length);
            out.write(in.bytes, in.position, length);
            in.skip(length);
        }
        return out.toByteArray();
    }

    /** Copies a constant expression up to its {@code end}, renumbering {@code global.get}. */
    private void constantExpression(WasmReader in, ByteArrayOutputStream out) {
        while (true) {
            int start = in.position;
            int opcode = in.u8();
            switch (opcode) {
                case 0x0b -> { // end
                    out.write(opcode);
                    return;
                }
                case 0x23 -> { // global.get
                    out.write(opcode);
                    Leb.writeUnsigned(out, global(in.u32()));
                    continue;
                }
                case 0x41, 0x42, 0xd0, 0xd2 -> in.s64(); // i32.const i64.const ref.null ref.func
                case 0x43 -> in.skip(4);
                case 0x44 -> in.skip(8);
                case 0x6a, 0x6b, 0x6c, 0x7c, 0x7d, 0x7e -> { } // extended constants: add sub mul
                default -> throw new IllegalArgumentException("unsupported opcode 0x" + Integer.toHexString(opcode)
                        + " in a constant expression at byte " + start);
            }
            out.write(in.bytes, start, in.position - start);
        }
    }
}
