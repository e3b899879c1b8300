package io.pglite.build;

import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;

/**
 * Renumbers the types of a side module so that its type indices equal the main module's.
 *
 * <p>Chicory 1.7.5 checks an indirect call into another instance by comparing the caller's type
 * <em>index</em> with the callee's, looked up in the callee's type section. A side module shares
 * the main module's function table, so a function of type {@code (i32)->i32} must have the same
 * index in both. The rewritten module's type section is the main module's types, in order
 * (duplicates included), followed by those of the side module's types the main module lacks.
 * Every type reference is remapped: function imports, the function section, {@code call_indirect},
 * {@code return_call_indirect} and block types that name a type. All other bytes are copied
 * unchanged, custom sections (and so {@code dylink.0}, which stays first) included.
 *
 * <p>Supported code: MVP, multi-value, sign extension, saturating float-to-int, bulk memory,
 * reference types and tail calls; anything else (SIMD, exceptions, typed references, GC,
 * threads) is refused with the opcode and its byte offset, and so is a block type whose index
 * Chicory 1.7.5 would misread (64, 99, 100, 105-115, 123-127). To let side modules call each other
 * through the table with types the main module lacks, align each new module against the type
 * section of the previously aligned one, which starts with the main module's types.
 */
final class TypeIndexAligner {
    private static final byte[] HEADER = {0, 'a', 's', 'm', 1, 0, 0, 0};
    private static final int TYPE = 1;
    private static final int IMPORT = 2;
    private static final int FUNCTION = 3;
    private static final int CODE = 10;
    private static final int TAG = 13;
    private static final int FUNC_FORM = 0x60;

    /** Encoded parameter and result vectors of each type, in index order (ISO-8859-1 strings). */
    private final List<String> types = new ArrayList<>();
    private final Map<String, Integer> firstIndex = new HashMap<>();
    private int[] remap = new int[0];

    private TypeIndexAligner(List<FunctionType> mainTypes) {
        for (FunctionType type : mainTypes) {
            append(encode(type));
        }
    }

    /**
     * Returns {@code module} with its type indices aligned to {@code mainTypes}.
     *
     * @throws IllegalArgumentException if the module is malformed or uses unsupported features
     */
    static byte[] align(List<FunctionType> mainTypes, byte[] module) {
        if (module.length < HEADER.length || !Arrays.equals(module, 0, HEADER.length, HEADER, 0, HEADER.length)) {
            throw new IllegalArgumentException("not a WebAssembly 1.0 module");
        }
        try {
            return new TypeIndexAligner(mainTypes).rewrite(module);
        } catch (IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("truncated WebAssembly module", e);
        }
    }

    private byte[] rewrite(byte[] module) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(module.length + 4096);
        out.write(module, 0, HEADER.length);
        WasmReader in = new WasmReader(module, HEADER.length);
        while (in.position < module.length) {
            int sectionOffset = in.position;
            int id = in.u8();
            int size = in.u32();
            int start = in.position;
            int end = start + size;
            byte[] content;
            switch (id) {
                case TYPE: content = typeSection(in); break;
                case IMPORT: content = importSection(in); break;
                case FUNCTION: content = functionSection(in); break;
                case CODE: content = BodyRewriter.codeSection(in, this::type, IntUnaryOperator.identity()); break;
                case TAG: throw unsupported("tag section (exception handling)", sectionOffset);
                default: content = null; in.position = end; break;
            }
            if (in.position != end) {
                throw new IllegalArgumentException("section " + id + " at byte " + start + " does not end at its declared size");
            }
            out.write(id);
            if (content == null) {
                Leb.writeUnsigned(out, size);
                out.write(module, start, size);
            } else {
                Leb.writeUnsigned(out, content.length);
                out.writeBytes(content);
            }
        }
        return out.toByteArray();
    }

    private byte[] typeSection(WasmReader in) {
        int count = in.u32();
        remap = new int[count];
        for (int i = 0; i < count; i++) {
            int offset = in.position;
            int form = in.u8();
            if (form != FUNC_FORM) {
                throw unsupported("type form 0x" + Integer.toHexString(form) + " (GC types)", offset);
            }
            ByteArrayOutputStream signature = new ByteArrayOutputStream();
            for (int vector = 0; vector < 2; vector++) {
                int length = in.u32();
                Leb.writeUnsigned(signature, length);
                for (int v = 0; v < length; v++) {
                    signature.write(valType(in));
                }
            }
            remap[i] = intern(signature.toString(StandardCharsets.ISO_8859_1));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Leb.writeUnsigned(out, types.size());
        for (String type : types) {
            out.write(FUNC_FORM);
            out.writeBytes(type.getBytes(StandardCharsets.ISO_8859_1));
        }
        return out.toByteArray();
    }

    private byte[] importSection(WasmReader in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int count = in.u32();
        Leb.writeUnsigned(out, count);
        for (int i = 0; i < count; i++) {
            int start = in.position;
            in.skip(in.u32());
            in.skip(in.u32());
            int kindOffset = in.position;
            int kind = in.u8();
            out.write(in.bytes, start, in.position - start);
            start = in.position;
            switch (kind) {
                case 0: Leb.writeUnsigned(out, type(in.u32())); continue;
                case 1: valType(in); limits(in); break;
                case 2: limits(in); break;
                case 3: valType(in); in.u8(); break;
                case 4: throw unsupported("tag import (exception handling)", kindOffset);
                default: throw new IllegalArgumentException("unknown import kind " + kind + " at byte " + kindOffset);
            }
            out.write(in.bytes, start, in.position - start);
        }
        return out.toByteArray();
    }

    private static void limits(WasmReader in) {
        int flags = in.u8();
        in.skipLeb();
        if ((flags & 1) != 0) {
            in.skipLeb();
        }
    }

    private byte[] functionSection(WasmReader in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int count = in.u32();
        Leb.writeUnsigned(out, count);
        for (int i = 0; i < count; i++) {
            Leb.writeUnsigned(out, type(in.u32()));
        }
        return out.toByteArray();
    }

    /** The type indices Chicory's parser confuses with the empty block type or a value type. */
    static boolean readAsValueType(int typeIndex) {
        return typeIndex == 0x40 || typeIndex == 0x63 || typeIndex == 0x64
                || (typeIndex >= 0x69 && typeIndex <= 0x73) || (typeIndex >= 0x7b && typeIndex <= 0x7f);
    }

    static String proposal(int opcode) {
        if ((opcode >= 0x06 && opcode <= 0x0a) || opcode == 0x18 || opcode == 0x19 || opcode == 0x1f) {
            return " (exception handling)";
        }
        if (opcode == 0x14 || opcode == 0x15 || (opcode >= 0xd3 && opcode <= 0xd6) || opcode == 0xfb) {
            return " (typed references / GC)";
        }
        switch (opcode) {
            case 0xfd: return " (SIMD)";
            case 0xfe: return " (threads)";
            default: return "";
        }
    }

    static IllegalArgumentException unsupported(String what, int offset) {
        return new IllegalArgumentException("unsupported " + what + " at byte " + offset);
    }

    /** Reads a one-byte value type, refusing the typed reference forms that carry a type index. */
    static int valType(WasmReader in) {
        int offset = in.position;
        return checkValType(in.u8(), offset);
    }

    static int checkValType(int code, int offset) {
        if (code == 0x63 || code == 0x64) {
            throw unsupported("typed reference type 0x" + Integer.toHexString(code), offset);
        }
        if (!(code >= 0x7b && code <= 0x7f) && !(code >= 0x69 && code <= 0x73)) {
            throw new IllegalArgumentException("invalid value type 0x" + Integer.toHexString(code) + " at byte " + offset);
        }
        return code;
    }

    private int type(int sideIndex) {
        if (sideIndex < 0 || sideIndex >= remap.length) {
            throw new IllegalArgumentException("type index " + sideIndex + " out of range (" + remap.length + " types)");
        }
        return remap[sideIndex];
    }

    private void append(String signature) {
        firstIndex.putIfAbsent(signature, types.size());
        types.add(signature);
    }

    /** The index of the first type with this signature, appending it if there is none. */
    private int intern(String signature) {
        Integer index = firstIndex.get(signature);
        if (index != null) {
            return index;
        }
        append(signature);
        return types.size() - 1;
    }

    /** The binary encoding of a function type's parameter and result vectors. */
    private static String encode(FunctionType type) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (List<ValType> vector : List.of(type.params(), type.returns())) {
            Leb.writeUnsigned(out, vector.size());
            for (ValType valType : vector) {
                out.write(code(valType, type));
            }
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** Chicory stores {@code funcref} as a nullable reference to the abstract heap type func. */
    private static int code(ValType valType, FunctionType type) {
        int opcode = valType.opcode();
        if (opcode >= ValType.ID.V128 && opcode <= ValType.ID.I32) {
            return opcode;
        }
        if (opcode == ValType.ID.RefNull && ValType.isAbsHeapTypeIdx(valType.typeIdx())) {
            return valType.typeIdx() & 0x7f;
        }
        throw new IllegalArgumentException("main module type " + type + " uses a typed reference; not supported");
    }
}
