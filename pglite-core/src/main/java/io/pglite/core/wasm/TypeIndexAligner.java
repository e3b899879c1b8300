package io.pglite.core.wasm;

import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Renumbers the types of a side module so that its type indices equal the main module's.
 *
 * <p>Chicory compares type <em>indices</em> on indirect calls across instances. A side module
 * shares the main module's function table, so a function of type {@code (i32)->i32} must have the
 * same index in both. The rewritten module's type section is the main module's types, in order,
 * followed by those of the side module's types the main module lacks; every type reference
 * (function imports, the function section, {@code call_indirect}, block types) is remapped. All
 * other bytes are copied unchanged, custom sections included.
 */
final class TypeIndexAligner {
    private static final int TYPE = 1;
    private static final int IMPORT = 2;
    private static final int FUNCTION = 3;
    private static final int CODE = 10;
    private static final int TAG = 13;

    private final List<String> types = new ArrayList<>();
    private final Map<String, Integer> indexOf = new HashMap<>();
    private int[] remap;

    private TypeIndexAligner(List<FunctionType> mainTypes) {
        for (FunctionType type : mainTypes) {
            add(signature(type));
        }
    }

    /** Returns {@code module} with its type indices aligned to {@code mainTypes}. */
    static byte[] align(List<FunctionType> mainTypes, byte[] module) {
        return new TypeIndexAligner(mainTypes).rewrite(module);
    }

    private byte[] rewrite(byte[] module) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(module.length + 4096);
        out.write(module, 0, 8);
        WasmReader in = new WasmReader(module, 8);
        remap = new int[0];
        while (in.position < module.length) {
            int id = in.u8();
            int size = in.u32();
            int start = in.position;
            byte[] content;
            switch (id) {
                case TYPE: content = typeSection(in); break;
                case IMPORT: content = importSection(in); break;
                case FUNCTION: content = functionSection(in); break;
                case CODE: content = codeSection(in); break;
                case TAG: throw new IllegalArgumentException("exception-handling tags are not supported");
                default: content = Arrays.copyOfRange(module, start, start + size); break;
            }
            in.position = start + size;
            out.write(id);
            WasmReader.writeU32(out, content.length);
            out.writeBytes(content);
        }
        return out.toByteArray();
    }

    private byte[] typeSection(WasmReader in) {
        int count = in.u32();
        remap = new int[count];
        for (int i = 0; i < count; i++) {
            int form = in.u8();
            if (form != 0x60) {
                throw new IllegalArgumentException("type " + i + " is not a function type (form 0x" + Integer.toHexString(form) + ")");
            }
            int start = in.position;
            in.skip(in.u32());
            in.skip(in.u32());
            remap[i] = add(hex(in.bytes, start, in.position));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WasmReader.writeU32(out, types.size());
        for (String type : types) {
            out.write(0x60);
            for (int i = 0; i < type.length(); i += 2) {
                out.write(Integer.parseInt(type, i, i + 2, 16));
            }
        }
        return out.toByteArray();
    }

    private byte[] importSection(WasmReader in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int count = in.u32();
        WasmReader.writeU32(out, count);
        for (int i = 0; i < count; i++) {
            int start = in.position;
            in.skip(in.u32());
            in.skip(in.u32());
            int kind = in.u8();
            out.write(in.bytes, start, in.position - start);
            start = in.position;
            switch (kind) {
                case 0: WasmReader.writeU32(out, type(in.u32())); continue;
                case 1: in.u8(); limits(in); break;
                case 2: limits(in); break;
                case 3: in.skip(2); break;
                default: throw new IllegalArgumentException("import kind " + kind + " is not supported");
            }
            out.write(in.bytes, start, in.position - start);
        }
        return out.toByteArray();
    }

    private static void limits(WasmReader in) {
        int flags = in.u8();
        in.u32();
        if ((flags & 1) != 0) {
            in.u32();
        }
    }

    private byte[] functionSection(WasmReader in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int count = in.u32();
        WasmReader.writeU32(out, count);
        for (int i = 0; i < count; i++) {
            WasmReader.writeU32(out, type(in.u32()));
        }
        return out.toByteArray();
    }

    private byte[] codeSection(WasmReader in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.bytes.length);
        int count = in.u32();
        WasmReader.writeU32(out, count);
        for (int i = 0; i < count; i++) {
            int size = in.u32();
            int end = in.position + size;
            byte[] body = new FunctionBodyRewriter(in, end).rewrite();
            WasmReader.writeU32(out, body.length);
            out.writeBytes(body);
            in.position = end;
        }
        return out.toByteArray();
    }

    /** Copies one function body, re-encoding only the type indices in its instructions. */
    private final class FunctionBodyRewriter {
        private final WasmReader in;
        private final int end;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private int copiedUpTo;

        FunctionBodyRewriter(WasmReader in, int end) {
            this.in = in;
            this.end = end;
            this.copiedUpTo = in.position;
        }

        byte[] rewrite() {
            int localGroups = in.u32();
            for (int i = 0; i < localGroups; i++) {
                in.u32();
                in.u8();
            }
            while (in.position < end) {
                instruction();
            }
            out.write(in.bytes, copiedUpTo, end - copiedUpTo);
            return out.toByteArray();
        }

        /** Replaces the LEB128 just read (from {@code start}) with {@code value}. */
        private void replace(int start, int value) {
            out.write(in.bytes, copiedUpTo, start - copiedUpTo);
            WasmReader.writeU32(out, value);
            copiedUpTo = in.position;
        }

        private void instruction() {
            int offset = in.position;
            int opcode = in.u8();
            switch (opcode) {
                case 0x02: case 0x03: case 0x04: {
                    int start = in.position;
                    long blockType = in.s64();
                    if (blockType >= 0) {
                        replace(start, type((int) blockType));
                    }
                    break;
                }
                case 0x0c: case 0x0d: case 0x10: case 0x12: case 0xd2:
                case 0x20: case 0x21: case 0x22: case 0x23: case 0x24: case 0x25: case 0x26:
                    in.u32();
                    break;
                case 0x0e: {
                    int targets = in.u32();
                    for (int i = 0; i <= targets; i++) {
                        in.u32();
                    }
                    break;
                }
                case 0x11: case 0x13: {
                    int start = in.position;
                    int typeIndex = in.u32();
                    replace(start, type(typeIndex));
                    in.u32();
                    break;
                }
                case 0x1c: {
                    int count = in.u32();
                    in.skip(count);
                    break;
                }
                case 0x3f: case 0x40: case 0xd0:
                    in.u8();
                    break;
                case 0x41: case 0x42:
                    in.s64();
                    break;
                case 0x43:
                    in.skip(4);
                    break;
                case 0x44:
                    in.skip(8);
                    break;
                case 0xfc:
                    prefixed(offset);
                    break;
                default:
                    if (opcode >= 0x28 && opcode <= 0x3e) {
                        in.u32();
                        in.u32();
                    } else if (!(opcode <= 0x01 || opcode == 0x05 || opcode == 0x0b || opcode == 0x0f
                            || opcode == 0x1a || opcode == 0x1b || (opcode >= 0x45 && opcode <= 0xc4) || opcode == 0xd1)) {
                        throw new IllegalArgumentException("unsupported opcode 0x" + Integer.toHexString(opcode)
                                + " at byte " + offset);
                    }
            }
        }

        private void prefixed(int offset) {
            int op = in.u32();
            if (op <= 7) {
                return; // saturating truncations
            }
            switch (op) {
                case 8: in.u32(); in.u8(); break;        // memory.init data, memory
                case 9: case 13: case 15: case 16: case 17: in.u32(); break;
                case 10: in.u8(); in.u8(); break;        // memory.copy
                case 11: in.u8(); break;                 // memory.fill
                case 12: case 14: in.u32(); in.u32(); break;
                default:
                    throw new IllegalArgumentException("unsupported opcode 0xfc " + op + " at byte " + offset);
            }
        }
    }

    private int type(int sideIndex) {
        if (sideIndex >= remap.length) {
            throw new IllegalArgumentException("type index " + sideIndex + " out of range (" + remap.length + " types)");
        }
        return remap[sideIndex];
    }

    private int add(String signature) {
        return indexOf.computeIfAbsent(signature, s -> {
            types.add(s);
            return types.size() - 1;
        });
    }

    /** The encoded parameter and result vectors of a function type, as hex. */
    private static String signature(FunctionType type) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (List<ValType> vector : List.of(type.params(), type.returns())) {
            WasmReader.writeU32(out, vector.size());
            for (ValType valType : vector) {
                out.write(valType.opcode());
            }
        }
        byte[] bytes = out.toByteArray();
        return hex(bytes, 0, bytes.length);
    }

    private static String hex(byte[] bytes, int from, int to) {
        StringBuilder s = new StringBuilder();
        for (int i = from; i < to; i++) {
            s.append(Character.forDigit((bytes[i] >> 4) & 0xf, 16)).append(Character.forDigit(bytes[i] & 0xf, 16));
        }
        return s.toString();
    }
}
