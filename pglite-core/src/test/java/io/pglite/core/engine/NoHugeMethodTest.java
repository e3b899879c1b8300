package io.pglite.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pglite.wasm.PgliteModule;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every function of pglite.wasm compiles to a JVM method HotSpot's JIT accepts: at most 8,000 bytes of bytecode
 * ({@code -XX:+DontCompileHugeMethods}, the default, leaves larger methods to the bytecode interpreter for good).
 * pglite-wasm's build splits function bodies toward 4,000 bytes of wasm so that this holds. Reads the methods'
 * {@code Code} attributes from the generated classes.
 */
class NoHugeMethodTest {

    /** HotSpot's {@code HugeMethodLimit}. */
    private static final int HUGE_METHOD = 8000;

    @Test
    void everyCompiledFunctionFitsHotSpotsJitLimit() throws IOException {
        List<String> huge = new ArrayList<>();
        int functions = 0;
        for (int group = 0; ; group++) {
            String name = "PgliteModuleMachineFuncGroup_" + group + ".class";
            try (InputStream in = PgliteModule.class.getResourceAsStream(name)) {
                if (in == null) {
                    break;
                }
                for (var method : codeLengths(in.readAllBytes())) {
                    if (method.name.startsWith("func_")) {
                        functions++;
                        if (method.length > HUGE_METHOD) {
                            huge.add(method.name + " (" + method.length + " bytes)");
                        }
                    }
                }
            }
        }
        assertTrue(functions > 13_725, functions + " compiled functions (expected: pglite.wasm's and the split-off ones)");
        assertEquals(List.of(), huge, "methods HotSpot will not compile");
    }

    /**
     * Chicory's dispatch methods, one switch over every function of a signature (call_indirect) or of a range of
     * indexes (calls from the host), are cut into parts by pglite-build's {@code SwitchMethodSplitter}; left
     * whole, several were over the limit and stayed interpreted.
     */
    @Test
    void everyDispatchMethodFitsHotSpotsJitLimit() throws IOException {
        List<String> huge = new ArrayList<>();
        int classes = 0;
        for (String prefix : List.of("PgliteModuleMachineIndirect_", "PgliteModuleMachineDispatch_")) {
            for (int type = 0; type < 64; type++) {
                for (int chunk = 0; chunk < 65536; chunk += 4096) {
                    String name = prefix + (prefix.endsWith("Indirect_") ? type + "_" + chunk : chunk) + ".class";
                    try (InputStream in = PgliteModule.class.getResourceAsStream(name)) {
                        if (in == null) {
                            continue;
                        }
                        classes++;
                        for (var method : codeLengths(in.readAllBytes())) {
                            if (method.length > HUGE_METHOD) {
                                huge.add(name + " " + method.name + " (" + method.length + " bytes)");
                            }
                        }
                    }
                }
                if (!prefix.endsWith("Indirect_")) {
                    break;
                }
            }
        }
        assertTrue(classes >= 25, classes + " dispatch classes (expected: the 5 host-call and at least 20 call_indirect ones)");
        assertEquals(List.of(), huge, "methods HotSpot will not compile");
    }

    private record Method(String name, int length) {
    }

    /** Name and bytecode length of every method of a class file. */
    private static List<Method> codeLengths(byte[] classFile) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        in.readInt(); // magic
        in.readInt(); // versions
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++; // takes two slots
                }
                case 7, 8, 16, 19, 20 -> in.readUnsignedShort();
                case 15 -> {
                    in.readUnsignedByte();
                    in.readUnsignedShort();
                }
                default -> throw new IOException("constant pool tag " + tag);
            }
        }
        in.readUnsignedShort(); // access
        in.readUnsignedShort(); // this
        in.readUnsignedShort(); // super
        in.skipBytes(2 * in.readUnsignedShort()); // interfaces
        for (int fields = in.readUnsignedShort(); fields > 0; fields--) {
            in.skipBytes(6);
            skipAttributes(in);
        }
        List<Method> methods = new ArrayList<>();
        for (int n = in.readUnsignedShort(); n > 0; n--) {
            in.readUnsignedShort();
            String name = utf8[in.readUnsignedShort()];
            in.readUnsignedShort();
            for (int attributes = in.readUnsignedShort(); attributes > 0; attributes--) {
                String attribute = utf8[in.readUnsignedShort()];
                int length = in.readInt();
                if (attribute.equals("Code")) {
                    in.readInt(); // max stack, max locals
                    int code = in.readInt();
                    methods.add(new Method(name, code));
                    in.skipBytes(length - 8);
                } else {
                    in.skipBytes(length);
                }
            }
        }
        return methods;
    }

    private static void skipAttributes(DataInputStream in) throws IOException {
        for (int attributes = in.readUnsignedShort(); attributes > 0; attributes--) {
            in.readUnsignedShort();
            in.skipBytes(in.readInt());
        }
    }
}
