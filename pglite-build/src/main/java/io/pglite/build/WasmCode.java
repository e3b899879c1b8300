package io.pglite.build;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A function body decoded into a tree of instructions: structured instructions ({@code block}, {@code loop},
 * {@code if}) own their instruction lists, every other instruction is a leaf. Only what the splitter rewrites is
 * decoded (branch labels, local indices); every other instruction keeps its bytes as read. The decoder knows the
 * immediates of every instruction of the MVP, bulk memory, saturating truncation, sign extension and the
 * reference-type basics, and each instruction's operand-stack effect (how many values it pops and pushes).
 */
final class WasmCode {

    static final int UNREACHABLE = 0x00;
    static final int BLOCK = 0x02;
    static final int LOOP = 0x03;
    static final int IF = 0x04;
    static final int ELSE = 0x05;
    static final int END = 0x0b;
    static final int BR = 0x0c;
    static final int BR_IF = 0x0d;
    static final int BR_TABLE = 0x0e;
    static final int RETURN = 0x0f;
    static final int CALL = 0x10;
    static final int LOCAL_GET = 0x20;
    static final int LOCAL_SET = 0x21;
    static final int LOCAL_TEE = 0x22;
    static final int GLOBAL_GET = 0x23;
    static final int GLOBAL_SET = 0x24;
    static final int I32_CONST = 0x41;
    static final byte I32_LT_U = 0x49;
    static final byte I32_GE_U = 0x4f;
    static final byte I32_SUB = 0x6b;
    static final int EMPTY_BLOCK = 0x40;

    static final byte I32 = 0x7f;
    static final byte I64 = 0x7e;
    static final byte F32 = 0x7d;
    static final byte F64 = 0x7c;

    private WasmCode() {
    }

    /** A function type: parameter and result value types. */
    record FuncType(byte[] params, byte[] results) {
    }

    /** What the decoder needs from the module: types, and the type of every function (imports first). */
    interface ModuleTypes {
        FuncType type(int typeIndex);

        FuncType functionType(int functionIndex);
    }

    /** One instruction; structured ones own {@code body} (and {@code elseBody} for an {@code if} with an else). */
    static final class Insn {
        final int op;
        /** Leaf instructions other than branches and local accesses: the bytes as read, opcode included. */
        byte[] raw;
        /** br, br_if: the label; br_table: the labels, default last. */
        int[] labels;
        /** local.get/set/tee: the local index. */
        int local;
        /** Structured: the block type bytes as read. */
        byte[] blockType;
        List<Insn> body;
        List<Insn> elseBody;
        /** Operand-stack effect: values popped and pushed (structured: block parameters (+ condition), results). */
        int pops;
        int pushes;
        /** Structured: block parameter count (the body starts with them on its stack) and result count. */
        int params;
        int results;

        Insn(int op) {
            this.op = op;
        }

        boolean structured() {
            return op == BLOCK || op == LOOP || op == IF;
        }

        /** After this instruction the rest of its list is unreachable. */
        boolean terminal() {
            return op == BR || op == BR_TABLE || op == RETURN || op == UNREACHABLE;
        }

        static Insn leaf(byte[] raw, int pops, int pushes) {
            Insn insn = new Insn(raw[0] & 0xff);
            insn.raw = raw;
            insn.pops = pops;
            insn.pushes = pushes;
            return insn;
        }

        static Insn branch(int op, int... labels) {
            Insn insn = new Insn(op);
            insn.labels = labels;
            insn.pops = op == BR ? 0 : 1;
            return insn;
        }

        static Insn local(int op, int index) {
            Insn insn = new Insn(op);
            insn.local = index;
            insn.pops = op == LOCAL_GET ? 0 : 1;
            insn.pushes = op == LOCAL_SET ? 0 : 1;
            return insn;
        }

        static Insn block(int op, List<Insn> body) {
            Insn insn = new Insn(op);
            insn.blockType = new byte[] {EMPTY_BLOCK};
            insn.body = body;
            insn.pops = op == IF ? 1 : 0;
            return insn;
        }

        /** Encoded size in bytes, children included. */
        int size() {
            if (structured()) {
                int size = 1 + blockType.length + sizeOf(body) + 1;
                return elseBody == null ? size : size + 1 + sizeOf(elseBody);
            }
            return switch (op) {
                case BR, BR_IF -> 1 + Leb.unsignedSize(labels[0]);
                case BR_TABLE -> {
                    int size = 1 + Leb.unsignedSize(labels.length - 1);
                    for (int label : labels) {
                        size += Leb.unsignedSize(label);
                    }
                    yield size;
                }
                case LOCAL_GET, LOCAL_SET, LOCAL_TEE -> 1 + Leb.unsignedSize(local);
                default -> raw.length;
            };
        }

        void write(ByteArrayOutputStream out) {
            if (structured()) {
                out.write(op);
                out.writeBytes(blockType);
                writeAll(out, body);
                if (elseBody != null) {
                    out.write(ELSE);
                    writeAll(out, elseBody);
                }
                out.write(END);
                return;
            }
            switch (op) {
                case BR, BR_IF -> {
                    out.write(op);
                    Leb.writeUnsigned(out, labels[0]);
                }
                case BR_TABLE -> {
                    out.write(op);
                    Leb.writeUnsigned(out, labels.length - 1);
                    for (int label : labels) {
                        Leb.writeUnsigned(out, label);
                    }
                }
                case LOCAL_GET, LOCAL_SET, LOCAL_TEE -> {
                    out.write(op);
                    Leb.writeUnsigned(out, local);
                }
                default -> out.writeBytes(raw);
            }
        }
    }

    /** {@code i32.const value}. */
    static Insn i32Const(int value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(I32_CONST);
        Leb.writeSigned(out, value);
        return Insn.leaf(out.toByteArray(), 0, 1);
    }

    /** {@code call function}, which pops {@code params} values and pushes {@code results}. */
    static Insn call(int function, int params, int results) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(CALL);
        Leb.writeUnsigned(out, function);
        return Insn.leaf(out.toByteArray(), params, results);
    }

    static int sizeOf(List<Insn> insns) {
        int size = 0;
        for (Insn insn : insns) {
            size += insn.size();
        }
        return size;
    }

    static void writeAll(ByteArrayOutputStream out, List<Insn> insns) {
        for (Insn insn : insns) {
            insn.write(out);
        }
    }

    /** Decodes the instructions of a body from {@code position} to its final {@code end} (excluded). */
    static List<Insn> decode(byte[] code, int position, int end, ModuleTypes types) {
        Decoder decoder = new Decoder(code, position, end, types);
        List<Insn> insns = new ArrayList<>();
        int last = decoder.sequence(insns);
        if (last != END || decoder.position != end) {
            throw new IllegalArgumentException("function body does not end with its end opcode at byte " + end);
        }
        return insns;
    }

    private static final class Decoder extends WasmReader {
        private final ModuleTypes types;

        Decoder(byte[] code, int position, int end, ModuleTypes types) {
            super(code, position, end, "function body");
            this.types = types;
        }

        /** Reads instructions into {@code insns} up to an {@code end} or {@code else}, which it returns. */
        int sequence(List<Insn> insns) {
            while (true) {
                if (position >= end) {
                    throw truncated();
                }
                int start = position;
                int op = u8();
                if (op == END || op == ELSE) {
                    return op;
                }
                insns.add(instruction(op, start));
            }
        }

        private Insn instruction(int op, int start) {
            switch (op) {
                case BLOCK, LOOP, IF -> {
                    Insn insn = new Insn(op);
                    int typeStart = position;
                    int b = bytes[position] & 0xff;
                    if (b == EMPTY_BLOCK) {
                        position++;
                    } else if (b == I32 || b == I64 || b == F32 || b == F64 || b == 0x7b || b == 0x70 || b == 0x6f) {
                        position++;
                        insn.results = 1;
                    } else {
                        FuncType type = types.type(Math.toIntExact(s64()));
                        insn.params = type.params().length;
                        insn.results = type.results().length;
                    }
                    insn.blockType = java.util.Arrays.copyOfRange(bytes, typeStart, position);
                    insn.pops = insn.params + (op == IF ? 1 : 0);
                    insn.pushes = insn.results;
                    insn.body = new ArrayList<>();
                    int last = sequence(insn.body);
                    if (last == ELSE) {
                        if (op != IF) {
                            throw new IllegalArgumentException("else outside an if at byte " + (position - 1));
                        }
                        insn.elseBody = new ArrayList<>();
                        if (sequence(insn.elseBody) != END) {
                            throw new IllegalArgumentException("second else at byte " + (position - 1));
                        }
                    }
                    return insn;
                }
                case BR, BR_IF -> {
                    return Insn.branch(op, u32());
                }
                case BR_TABLE -> {
                    int count = u32();
                    int[] labels = new int[count + 1];
                    for (int i = 0; i <= count; i++) {
                        labels[i] = u32();
                    }
                    return Insn.branch(op, labels);
                }
                case LOCAL_GET, LOCAL_SET, LOCAL_TEE -> {
                    return Insn.local(op, u32());
                }
                default -> {
                    int[] effect = leaf(op);
                    return Insn.leaf(java.util.Arrays.copyOfRange(bytes, start, position), effect[0], effect[1]);
                }
            }
        }

        /** Reads the immediates of a leaf instruction; returns {pops, pushes}. */
        private int[] leaf(int op) {
            switch (op) {
                case 0x00, 0x01, RETURN -> {
                    return new int[] {0, 0}; // unreachable, nop; return is stack-polymorphic after it
                }
                case CALL -> {
                    FuncType type = types.functionType(u32());
                    return new int[] {type.params().length, type.results().length};
                }
                case 0x11 -> { // call_indirect type table
                    FuncType type = types.type(u32());
                    u32();
                    return new int[] {type.params().length + 1, type.results().length};
                }
                case 0x1a -> {
                    return new int[] {1, 0}; // drop
                }
                case 0x1b -> {
                    return new int[] {3, 1}; // select
                }
                case 0x1c -> { // select with types
                    int count = u32();
                    for (int i = 0; i < count; i++) {
                        valueType();
                    }
                    return new int[] {3, 1};
                }
                case GLOBAL_GET -> {
                    u32();
                    return new int[] {0, 1};
                }
                case GLOBAL_SET -> {
                    u32();
                    return new int[] {1, 0};
                }
                case 0x25 -> { // table.get
                    u32();
                    return new int[] {1, 1};
                }
                case 0x26 -> { // table.set
                    u32();
                    return new int[] {2, 0};
                }
                case 0x3f -> { // memory.size
                    u32();
                    return new int[] {0, 1};
                }
                case 0x40 -> { // memory.grow
                    u32();
                    return new int[] {1, 1};
                }
                case I32_CONST -> {
                    s64();
                    return new int[] {0, 1};
                }
                case 0x42 -> {
                    s64();
                    return new int[] {0, 1};
                }
                case 0x43 -> {
                    skip(4);
                    return new int[] {0, 1};
                }
                case 0x44 -> {
                    skip(8);
                    return new int[] {0, 1};
                }
                case 0xd0 -> { // ref.null heap type
                    valueType();
                    return new int[] {0, 1};
                }
                case 0xd1 -> {
                    return new int[] {1, 1}; // ref.is_null
                }
                case 0xd2 -> { // ref.func
                    u32();
                    return new int[] {0, 1};
                }
                case 0xfc -> {
                    return prefixed(u32());
                }
                default -> {
                }
            }
            if (op >= 0x28 && op <= 0x35) { // loads
                u32();
                u32();
                return new int[] {1, 1};
            }
            if (op >= 0x36 && op <= 0x3e) { // stores
                u32();
                u32();
                return new int[] {2, 0};
            }
            if (op == 0x45 || op == 0x50 || (op >= 0x67 && op <= 0x69) || (op >= 0x79 && op <= 0x7b)
                    || (op >= 0x8b && op <= 0x91) || (op >= 0x99 && op <= 0x9f) || (op >= 0xa7 && op <= 0xc4)) {
                return new int[] {1, 1}; // tests, unary operators, conversions, sign extension
            }
            if ((op >= 0x46 && op <= 0x4f) || (op >= 0x51 && op <= 0x66) || (op >= 0x6a && op <= 0x78)
                    || (op >= 0x7c && op <= 0x8a) || (op >= 0x92 && op <= 0x98) || (op >= 0xa0 && op <= 0xa6)) {
                return new int[] {2, 1}; // comparisons, binary operators
            }
            throw new IllegalArgumentException(String.format("opcode 0x%02x at byte %d is not supported", op,
                    position - 1));
        }

        private int[] prefixed(int sub) {
            switch (sub) {
                case 0, 1, 2, 3, 4, 5, 6, 7 -> {
                    return new int[] {1, 1}; // trunc_sat
                }
                case 8 -> { // memory.init data memory
                    u32();
                    u32();
                    return new int[] {3, 0};
                }
                case 9 -> { // data.drop
                    u32();
                    return new int[] {0, 0};
                }
                case 10 -> { // memory.copy memory memory
                    u32();
                    u32();
                    return new int[] {3, 0};
                }
                case 11 -> { // memory.fill memory
                    u32();
                    return new int[] {3, 0};
                }
                case 12 -> { // table.init elem table
                    u32();
                    u32();
                    return new int[] {3, 0};
                }
                case 13 -> { // elem.drop
                    u32();
                    return new int[] {0, 0};
                }
                case 14 -> { // table.copy table table
                    u32();
                    u32();
                    return new int[] {3, 0};
                }
                case 15 -> { // table.grow
                    u32();
                    return new int[] {2, 1};
                }
                case 16 -> { // table.size
                    u32();
                    return new int[] {0, 1};
                }
                case 17 -> { // table.fill
                    u32();
                    return new int[] {3, 0};
                }
                default -> throw new IllegalArgumentException("opcode 0xfc " + sub + " at byte " + position
                        + " is not supported");
            }
        }

        private void valueType() {
            int type = u8();
            if (type == 0x63 || type == 0x64) {
                s64();
            }
        }
    }
}
