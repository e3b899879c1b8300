package io.pglite.build;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A tiny assembler for test modules: function bodies as instruction bytes, one memory, every function exported. */
final class WasmAssembler {

    static final int I32 = 0x7f;
    static final int I64 = 0x7e;
    static final int F32 = 0x7d;
    static final int F64 = 0x7c;

    private final List<byte[]> types = new ArrayList<>();
    private final List<Integer> functionTypes = new ArrayList<>();
    private final List<byte[]> bodies = new ArrayList<>();
    private final List<byte[]> globals = new ArrayList<>();
    private boolean custom;

    /** Adds a type {@code params -> results} and returns its index. */
    int type(int[] params, int[] results) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x60);
        out.write(params.length);
        for (int p : params) {
            out.write(p);
        }
        out.write(results.length);
        for (int r : results) {
            out.write(r);
        }
        types.add(out.toByteArray());
        return types.size() - 1;
    }

    /** A mutable i32 global initialised to {@code value}. */
    int global(int value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(I32);
        out.write(1);
        out.write(0x41);
        Leb.writeSigned(out, value);
        out.write(0x0b);
        globals.add(out.toByteArray());
        return globals.size() - 1;
    }

    /** Starts the module with a custom section, as pglite.wasm does with {@code dylink.0}. */
    WasmAssembler withCustomSection() {
        custom = true;
        return this;
    }

    /** Adds a function; {@code locals} lists the types of its declared locals one by one. */
    int function(int type, int[] locals, Code body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(locals.length);
        for (int local : locals) {
            out.write(1);
            out.write(local);
        }
        out.writeBytes(body.bytes());
        out.write(0x0b);
        functionTypes.add(type);
        bodies.add(out.toByteArray());
        return functionTypes.size() - 1;
    }

    byte[] build() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
        if (custom) {
            section(out, 0, concat(name("dylink.0"), new byte[] {1, 2, 3, 4}));
        }
        section(out, 1, vector(types));
        List<byte[]> functions = new ArrayList<>();
        for (int type : functionTypes) {
            functions.add(leb(type));
        }
        section(out, 3, vector(functions));
        section(out, 5, new byte[] {1, 0, 1}); // one memory, min 1 page
        if (!globals.isEmpty()) {
            section(out, 6, vector(globals));
        }
        List<byte[]> exports = new ArrayList<>();
        for (int i = 0; i < functionTypes.size(); i++) {
            exports.add(concat(name("f" + i), new byte[] {0}, leb(i)));
        }
        section(out, 7, vector(exports));
        List<byte[]> code = new ArrayList<>();
        for (byte[] body : bodies) {
            code.add(concat(leb(body.length), body));
        }
        section(out, 10, vector(code));
        return out.toByteArray();
    }

    private static void section(ByteArrayOutputStream out, int id, byte[] contents) {
        out.write(id);
        out.writeBytes(leb(contents.length));
        out.writeBytes(contents);
    }

    private static byte[] vector(List<byte[]> items) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(leb(items.size()));
        items.forEach(out::writeBytes);
        return out.toByteArray();
    }

    static byte[] name(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        return concat(leb(bytes.length), bytes);
    }

    static byte[] leb(long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Leb.writeUnsigned(out, value);
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** Instruction bytes of a body. */
    static final class Code {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Code op(int... bytes) {
            for (int b : bytes) {
                out.write(b);
            }
            return this;
        }

        Code u(long value) {
            Leb.writeUnsigned(out, value);
            return this;
        }

        Code i32(int value) {
            out.write(0x41);
            Leb.writeSigned(out, value);
            return this;
        }

        Code i64(long value) {
            out.write(0x42);
            Leb.writeSigned(out, value);
            return this;
        }

        Code get(int local) {
            return op(0x20).u(local);
        }

        Code set(int local) {
            return op(0x21).u(local);
        }

        Code tee(int local) {
            return op(0x22).u(local);
        }

        Code block() {
            return op(0x02, 0x40);
        }

        Code block(int resultType) {
            return op(0x02, resultType);
        }

        Code loop() {
            return op(0x03, 0x40);
        }

        Code ifElse() {
            return op(0x04, 0x40);
        }

        Code elseOp() {
            return op(0x05);
        }

        Code end() {
            return op(0x0b);
        }

        Code br(int label) {
            return op(0x0c).u(label);
        }

        Code brIf(int label) {
            return op(0x0d).u(label);
        }

        Code brTable(int defaultLabel, int... labels) {
            op(0x0e).u(labels.length);
            for (int label : labels) {
                u(label);
            }
            return u(defaultLabel);
        }

        Code ret() {
            return op(0x0f);
        }

        Code call(int function) {
            return op(0x10).u(function);
        }

        Code add(Code other) {
            out.writeBytes(other.bytes());
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        int size() {
            return out.size();
        }
    }
}
