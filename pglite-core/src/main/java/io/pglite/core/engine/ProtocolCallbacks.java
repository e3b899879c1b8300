package io.pglite.core.engine;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.TableInstance;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * The five C function pointers PGlite calls back through: wire-protocol read and write, and
 * {@code system}/{@code popen}/{@code pclose}. They must sit in the main module's function table
 * with the main module's own type indices (Chicory compares indices on indirect calls), so they
 * are host functions re-exported by a tiny generated module that carries a copy of the main
 * module's type section.
 */
final class ProtocolCallbacks {
    private static final String[] NAMES = {"read", "write", "system", "popen", "pclose"};
    private static final FunctionType UNARY = FunctionType.of(List.of(ValType.I32), List.of(ValType.I32));
    private static final FunctionType BINARY =
            FunctionType.of(List.of(ValType.I32, ValType.I32), List.of(ValType.I32));
    private static final FunctionType[] TYPES = {BINARY, BINARY, UNARY, BINARY, UNARY};

    /** Table slots of read, write, system, popen, pclose, in that order. */
    final int[] slots = new int[NAMES.length];
    /** The instance the callbacks belong to. */
    Instance helper;

    private ProtocolCallbacks() {
    }

    /** What the callbacks do; {@code read} and {@code write} move wire-protocol bytes. */
    interface Handler {
        int read(int pointer, int max);

        int write(int pointer, int length);

        int system(int command);

        int popen(int command, int mode);

        int pclose(int stream);
    }

    static ProtocolCallbacks install(Instance main, Handler handler) {
        List<FunctionType> mainTypes = List.of(main.module().typeSection().types());
        ImportValues imports = ImportValues.builder().addFunction(
                new HostFunction("host", "read", BINARY, (i, a) -> result(handler.read((int) a[0], (int) a[1]))),
                new HostFunction("host", "write", BINARY, (i, a) -> result(handler.write((int) a[0], (int) a[1]))),
                new HostFunction("host", "system", UNARY, (i, a) -> result(handler.system((int) a[0]))),
                new HostFunction("host", "popen", BINARY, (i, a) -> result(handler.popen((int) a[0], (int) a[1]))),
                new HostFunction("host", "pclose", UNARY, (i, a) -> result(handler.pclose((int) a[0])))).build();
        Instance helper = Instance.builder(EngineModule.parse(new ByteArrayInputStream(moduleBytes(mainTypes))))
                .withImportValues(imports).build();

        ProtocolCallbacks callbacks = new ProtocolCallbacks();
        callbacks.helper = helper;
        TableInstance table = main.table(0);
        int first = table.grow(NAMES.length, 0, helper);
        for (int i = 0; i < NAMES.length; i++) {
            callbacks.slots[i] = first + i;
            table.setRef(first + i, i, helper);
        }
        return callbacks;
    }

    private static long[] result(int value) {
        return new long[] {value};
    }

    /**
     * A module with the main module's types, importing the five callbacks from "host" and
     * exporting them under the same names.
     */
    private static byte[] moduleBytes(List<FunctionType> mainTypes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
        ByteArrayOutputStream types = new ByteArrayOutputStream();
        leb(types, mainTypes.size());
        for (FunctionType type : mainTypes) {
            types.write(0x60);
            valTypes(types, type.params());
            valTypes(types, type.returns());
        }
        section(out, 1, types.toByteArray());
        ByteArrayOutputStream imports = new ByteArrayOutputStream();
        ByteArrayOutputStream exports = new ByteArrayOutputStream();
        imports.write(NAMES.length);
        exports.write(NAMES.length);
        for (int i = 0; i < NAMES.length; i++) {
            int typeIndex = mainTypes.indexOf(TYPES[i]);
            if (typeIndex < 0) {
                throw new IllegalStateException("the PGlite module has no type " + TYPES[i] + " for its " + NAMES[i] + " callback");
            }
            name(imports, "host");
            name(imports, NAMES[i]);
            imports.write(0x00);
            leb(imports, typeIndex);
            name(exports, NAMES[i]);
            exports.write(0x00);
            exports.write(i);
        }
        section(out, 2, imports.toByteArray());
        section(out, 7, exports.toByteArray());
        return out.toByteArray();
    }

    private static void valTypes(ByteArrayOutputStream out, List<ValType> types) {
        leb(out, types.size());
        for (ValType type : types) {
            out.write(type.equals(ValType.I32) ? 0x7f : type.equals(ValType.I64) ? 0x7e
                    : type.equals(ValType.F32) ? 0x7d : 0x7c);
        }
    }

    private static void name(ByteArrayOutputStream out, String name) {
        out.write(name.length());
        out.writeBytes(name.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    private static void section(ByteArrayOutputStream out, int id, byte[] content) {
        out.write(id);
        leb(out, content.length);
        out.writeBytes(content);
    }

    private static void leb(ByteArrayOutputStream out, int value) {
        do {
            int b = value & 0x7f;
            value >>>= 7;
            out.write(value == 0 ? b : b | 0x80);
        } while (value != 0);
    }
}
