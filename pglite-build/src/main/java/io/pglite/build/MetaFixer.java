package io.pglite.build;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/**
 * Writes the {@code .meta} module that a Chicory build-time compiled class hands to the interpreter, with the
 * function numbering Chicory 1.7.5 gets wrong.
 *
 * <p>The {@code .meta} file is the original module without its custom sections, whose code section keeps the
 * bodies of the interpreted functions verbatim and replaces every other body by the 3-byte body "no locals,
 * {@code unreachable}, {@code end}" (the format of Chicory's {@code Generator.generateMetaWasm}). Chicory maps code
 * body {@code i} to function {@code importCount() + i}, counting every import; function indices count only
 * function imports. For a module that also imports its memory, as {@code pglite.wasm} does, Chicory keeps the
 * neighbours of the interpreted functions and turns the interpreted ones into {@code unreachable}. Here body
 * {@code i} is function {@code functionImports + i}.
 *
 * <p>Options: {@code --wasm pglite.wasm --interpreted 2272,3874,... --out PgliteModule.meta}, where the indices are
 * absolute function indices (imports included), as the Chicory compiler prints and takes them.
 */
public final class MetaFixer {

    private static final int CUSTOM_SECTION = 0;
    private static final int IMPORT_SECTION = 2;
    private static final int CODE_SECTION = 10;
    private static final int END = 0x0b;
    /** Body size 3, then: zero local declarations, {@code unreachable} (0x00), {@code end} (0x0b). */
    private static final byte[] UNREACHABLE_BODY = {3, 0, 0x00, END};
    private static final byte[] HEADER = {0, 'a', 's', 'm', 1, 0, 0, 0};

    private MetaFixer() {
    }

    public static void main(String[] args) throws IOException {
        Args options = Args.parse(args);
        Path out = options.path("out");
        Set<Integer> interpreted = options.integers("interpreted");
        byte[] meta = fix(Files.readAllBytes(options.path("wasm")), interpreted);
        boolean written = BuildFiles.writeIfChanged(out, meta);
        System.out.println("[MetaFixer] " + out.getFileName() + ": " + meta.length + " bytes, bodies kept for"
                + " functions " + interpreted + (written ? ", written" : ", up to date"));
    }

    /** Returns the {@code .meta} module for {@code wasm} that keeps the bodies of the {@code interpreted} functions. */
    static byte[] fix(byte[] wasm, Set<Integer> interpreted) {
        if (wasm.length < HEADER.length || !Arrays.equals(wasm, 0, HEADER.length, HEADER, 0, HEADER.length)) {
            throw new IllegalArgumentException(
                    "not a version 1 wasm module (expected: header 00 61 73 6d 01 00 00 00)");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(wasm.length / 2);
        out.write(HEADER, 0, HEADER.length);
        Cursor in = new Cursor(wasm, HEADER.length, wasm.length);
        int functionImports = 0;
        while (in.hasMore()) {
            int id = in.u8();
            int size = Math.toIntExact(in.leb());
            Cursor contents = in.slice(size);
            switch (id) {
                case CUSTOM_SECTION -> {
                }
                case IMPORT_SECTION -> {
                    writeSection(out, id, contents.remaining());
                    functionImports = countFunctionImports(contents);
                }
                case CODE_SECTION -> writeSection(out, id, keepBodies(contents, functionImports, interpreted));
                default -> writeSection(out, id, contents.remaining());
            }
        }
        return out.toByteArray();
    }

    private static int countFunctionImports(Cursor imports) {
        int functions = 0;
        for (long i = imports.leb(); i > 0; i--) {
            imports.skip(imports.leb()); // module name
            imports.skip(imports.leb()); // field name
            int kind = imports.u8();
            switch (kind) {
                case 0x00 -> { // function: type index
                    imports.leb();
                    functions++;
                }
                case 0x01 -> { // table: reference type, limits
                    imports.skipValueType();
                    imports.skipLimits();
                }
                case 0x02 -> imports.skipLimits(); // memory
                case 0x03 -> { // global: value type, mutability
                    imports.skipValueType();
                    imports.u8();
                }
                case 0x04 -> { // tag: attribute, type index
                    imports.u8();
                    imports.leb();
                }
                default -> throw new IllegalArgumentException("import kind: " + kind + " (expected: 0 to 4)");
            }
        }
        return functions;
    }

    private static byte[] keepBodies(Cursor code, int functionImports, Set<Integer> interpreted) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long bodies = code.leb();
        writeLeb(out, bodies);
        Set<Integer> kept = new TreeSet<>();
        for (int i = 0; i < bodies; i++) {
            int size = Math.toIntExact(code.leb());
            Cursor body = code.slice(size);
            byte[] bytes = body.remaining();
            if (size == 0 || bytes[size - 1] != END) {
                throw new IllegalArgumentException("code body " + i + " does not end with the end opcode");
            }
            if (interpreted.contains(functionImports + i)) {
                writeLeb(out, size);
                out.write(bytes, 0, size);
                kept.add(functionImports + i);
            } else {
                out.write(UNREACHABLE_BODY, 0, UNREACHABLE_BODY.length);
            }
        }
        if (!kept.equals(interpreted)) {
            Set<Integer> missing = new TreeSet<>(interpreted);
            missing.removeAll(kept);
            throw new IllegalArgumentException("interpreted functions " + missing + " (expected: defined functions, "
                    + functionImports + " to " + (functionImports + bodies - 1) + ")");
        }
        return out.toByteArray();
    }

    private static void writeSection(ByteArrayOutputStream out, int id, byte[] contents) {
        out.write(id);
        writeLeb(out, contents.length);
        out.write(contents, 0, contents.length);
    }

    /** Writes an unsigned LEB128 number in its shortest form. */
    private static void writeLeb(ByteArrayOutputStream out, long value) {
        do {
            int low = (int) (value & 0x7f);
            value >>>= 7;
            out.write(value == 0 ? low : low | 0x80);
        } while (value != 0);
    }

    /** A read position in a byte range of the module. */
    private static final class Cursor {

        private final byte[] bytes;
        private int position;
        private final int end;

        Cursor(byte[] bytes, int position, int end) {
            this.bytes = bytes;
            this.position = position;
            this.end = end;
        }

        boolean hasMore() {
            return position < end;
        }

        int u8() {
            if (position >= end) {
                throw new IllegalArgumentException("wasm module truncated at byte " + position);
            }
            return bytes[position++] & 0xff;
        }

        /** Reads an LEB128 number; also steps over signed ones, whose bytes have the same shape. */
        long leb() {
            long value = 0;
            for (int shift = 0; ; shift += 7) {
                int b = u8();
                value |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
        }

        void skip(long count) {
            slice(Math.toIntExact(count));
        }

        /** Returns a cursor over the next {@code length} bytes and moves past them. */
        Cursor slice(int length) {
            if (length < 0 || length > end - position) {
                throw new IllegalArgumentException("wasm module: " + length + " bytes at byte " + position
                        + " (expected: at most " + (end - position) + ")");
            }
            Cursor slice = new Cursor(bytes, position, position + length);
            position += length;
            return slice;
        }

        /** The bytes from here to the end of this cursor's range. */
        byte[] remaining() {
            return Arrays.copyOfRange(bytes, position, end);
        }

        void skipValueType() {
            int type = u8();
            if (type == 0x63 || type == 0x64) { // (ref null ht), (ref ht): a heap type follows
                leb();
            }
        }

        void skipLimits() {
            int flags = u8();
            leb();
            if ((flags & 1) != 0) {
                leb();
            }
        }
    }
}
