package io.pglite.build;

import java.io.ByteArrayOutputStream;
import java.util.function.IntUnaryOperator;

/**
 * Copies one function body, re-encoding the type indices ({@code call_indirect}, block types) and
 * global indices ({@code global.get}, {@code global.set}) of its instructions through two maps;
 * every other byte is copied as it is. Used by {@link TypeIndexAligner} and {@link GotInternalizer}.
 */
final class BodyRewriter {
    private static final long EMPTY_BLOCK = -64; // 0x40 as s33

    private final WasmReader in;
    private final int end;
    private final IntUnaryOperator types;
    private final IntUnaryOperator globals;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int copiedUpTo;

    /** Rewrites a whole code section, the reader just past its size. */
    static byte[] codeSection(WasmReader in, IntUnaryOperator types, IntUnaryOperator globals) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.bytes.length);
        int count = in.u32();
        Leb.writeUnsigned(out, count);
        for (int i = 0; i < count; i++) {
            int size = in.u32();
            int end = in.position + size;
            byte[] body = new BodyRewriter(in, end, types, globals).rewrite();
            if (in.position != end) {
                throw new IllegalArgumentException("function body " + i + " does not end at its declared size");
            }
            Leb.writeUnsigned(out, body.length);
            out.writeBytes(body);
        }
        return out.toByteArray();
    }

    /** Over the body at the reader's position, up to {@code end}. */
    BodyRewriter(WasmReader in, int end, IntUnaryOperator types, IntUnaryOperator globals) {
        this.in = in;
        this.end = end;
        this.types = types;
        this.globals = globals;
        this.copiedUpTo = in.position;
    }

    byte[] rewrite() {
        int localGroups = in.u32();
        for (int i = 0; i < localGroups; i++) {
            in.u32();
            TypeIndexAligner.valType(in);
        }
        while (in.position < end) {
            instruction();
        }
        out.write(in.bytes, copiedUpTo, in.position - copiedUpTo);
        return out.toByteArray();
    }

    /** Replaces the immediate read from {@code start} (up to the cursor) with {@code value}. */
    private void replace(int start, int value, boolean signed) {
        out.write(in.bytes, copiedUpTo, start - copiedUpTo);
        if (signed) {
            Leb.writeSigned(out, value);
        } else {
            Leb.writeUnsigned(out, value);
        }
        copiedUpTo = in.position;
    }

    private void instruction() {
        int offset = in.position;
        int opcode = in.u8();
        switch (opcode) {
            case 0x00: case 0x01: case 0x05: case 0x0b: case 0x0f: case 0x1a: case 0x1b: case 0xd1:
                break; // unreachable nop else end return drop select ref.is_null
            case 0x02: case 0x03: case 0x04: // block loop if
                blockType();
                break;
            case 0x0c: case 0x0d: case 0x10: case 0x12: // br br_if call return_call
            case 0x20: case 0x21: case 0x22: // local.*
            case 0x25: case 0x26: case 0xd2: // table.get table.set ref.func
            case 0x3f: case 0x40: // memory.size memory.grow (memory index)
                in.skipLeb();
                break;
            case 0x23: case 0x24: { // global.get global.set
                int start = in.position;
                int global = in.u32();
                int mapped = globals.applyAsInt(global);
                if (mapped != global) {
                    replace(start, mapped, false);
                }
                break;
            }
            case 0x0e: { // br_table
                int targets = in.u32();
                for (int i = 0; i <= targets; i++) {
                    in.skipLeb();
                }
                break;
            }
            case 0x11: case 0x13: { // call_indirect return_call_indirect: typeidx tableidx
                int start = in.position;
                int typeIndex = in.u32();
                int aligned = types.applyAsInt(typeIndex);
                if (aligned != typeIndex) {
                    replace(start, aligned, false);
                }
                in.skipLeb();
                break;
            }
            case 0x1c: { // select t*
                int count = in.u32();
                for (int i = 0; i < count; i++) {
                    TypeIndexAligner.valType(in);
                }
                break;
            }
            case 0x41: case 0x42: // i32.const i64.const
                in.skipLeb();
                break;
            case 0x43: // f32.const
                in.skip(4);
                break;
            case 0x44: // f64.const
                in.skip(8);
                break;
            case 0xd0: { // ref.null heaptype
                long heapType = in.s64();
                if (heapType >= 0 || heapType < EMPTY_BLOCK) {
                    throw TypeIndexAligner.unsupported("ref.null of a concrete type (typed references)", offset);
                }
                break;
            }
            case 0xfc:
                prefixed(offset);
                break;
            default:
                if (opcode >= 0x28 && opcode <= 0x3e) { // loads and stores: memarg
                    int align = in.u32();
                    if ((align & 0x40) != 0) {
                        in.skipLeb(); // memory index (multi-memory)
                    }
                    in.skipLeb();
                } else if (!(opcode >= 0x45 && opcode <= 0xc4)) { // numeric, including sign extension
                    throw TypeIndexAligner.unsupported("opcode 0x" + Integer.toHexString(opcode) + TypeIndexAligner.proposal(opcode), offset);
                }
        }
    }

    private void blockType() {
        int start = in.position;
        long blockType = in.s64();
        if (blockType >= 0) {
            int aligned = types.applyAsInt((int) blockType);
            if (TypeIndexAligner.readAsValueType(aligned)) {
                throw new IllegalArgumentException("block type index " + aligned + " at byte " + start
                        + " would be misread by Chicory 1.7.5, which decodes block types as unsigned LEB128"
                        + " and takes 0x40 and value type codes for those, not for type indices");
            }
            if (aligned != blockType) {
                replace(start, aligned, true);
            }
        } else if (blockType != EMPTY_BLOCK) {
            if (blockType < EMPTY_BLOCK) {
                throw new IllegalArgumentException("invalid block type " + blockType + " at byte " + start);
            }
            TypeIndexAligner.checkValType((int) (blockType & 0x7f), start);
        }
    }

    private void prefixed(int offset) {
        int op = in.u32();
        int immediates;
        switch (op) {
            case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7:
                immediates = 0; break; // saturating truncations
            case 9: case 11: case 13: case 15: case 16: case 17:
                immediates = 1; break; // data.drop memory.fill elem.drop table.grow table.size table.fill
            case 8: case 10: case 12: case 14:
                immediates = 2; break; // memory.init memory.copy table.init table.copy
            default:
                throw TypeIndexAligner.unsupported("opcode 0xfc " + op, offset);
        }
        for (int i = 0; i < immediates; i++) {
            in.skipLeb();
        }
    }
}
