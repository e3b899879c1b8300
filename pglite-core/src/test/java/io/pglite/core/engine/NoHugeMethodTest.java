package io.pglite.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pglite.wasm.PgliteModule;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * Every function of pglite.wasm compiles to a JVM method HotSpot's JIT accepts: at most 8,000 bytes of bytecode
 * ({@code -XX:+DontCompileHugeMethods}, the default, leaves larger methods to the bytecode interpreter for good).
 * pglite-wasm's build splits function bodies toward 4,000 bytes of wasm so that this holds. Reads the methods'
 * {@code Code} attributes from the generated classes, and checks the classes' sizes.
 */
class NoHugeMethodTest {

    /** HotSpot's {@code HugeMethodLimit}. */
    private static final int HUGE_METHOD = 8000;

    @Test
    void everyCompiledFunctionFitsHotSpotsJitLimit() throws IOException {
        List<String> huge = new ArrayList<>();
        int functions = 0;
        for (String name : classes("PgliteModuleMachineFunctions_")) {
            for (var method : codeLengths(classFile(name))) {
                if (method.name.startsWith("func_")) {
                    functions++;
                    if (method.length > HUGE_METHOD) {
                        huge.add(name + "." + method.name + " (" + method.length + " bytes)");
                    }
                }
            }
        }
        assertTrue(functions > 13_725, functions + " compiled functions (expected: pglite.wasm's and the split-off ones)");
        assertEquals(List.of(), huge, "methods HotSpot will not compile");
    }

    /**
     * pglite-build's {@code FunctionRegrouper} moves the functions out of Chicory's few classes of several MB, which
     * a JVM reads and verifies whole at the first call of any of their functions, into small ones, for the main
     * module and the side modules.
     */
    @Test
    void theFunctionsAreHeldBySmallClasses() throws IOException {
        assertEquals(List.of(), classes("PgliteModuleMachineFuncGroup_"), "Chicory's own function classes");
        assertEquals(List.of(), classes("side/", "").stream().filter(name -> name.contains("MachineFuncGroup_")).toList(),
                "Chicory's own function classes of side modules");
        assertTrue(classes("side/", "PgcryptoMachineFunctions_").size() > 50, "pgcrypto's function classes");
        List<String> large = new ArrayList<>();
        List<String> holders = classes("PgliteModuleMachineFunctions_");
        for (String name : holders) {
            int size = classFile(name).length;
            if (size > 64 * 1024) {
                large.add(name + " (" + size + " bytes)");
            }
        }
        assertTrue(holders.size() > 500, holders.size() + " function classes");
        assertEquals(List.of(), large, "function classes over 64 KiB");
    }

    /**
     * Chicory's dispatch methods, one switch over every function of a signature (call_indirect) or of a range of
     * indexes (calls from the host), are cut into parts by pglite-build's {@code SwitchMethodSplitter}; left
     * whole, several were over the limit and stayed interpreted.
     */
    @Test
    void everyDispatchMethodFitsHotSpotsJitLimit() throws IOException {
        List<String> huge = new ArrayList<>();
        List<String> dispatchers = new ArrayList<>(classes("PgliteModuleMachineIndirect_"));
        dispatchers.addAll(classes("PgliteModuleMachineDispatch_"));
        for (String name : dispatchers) {
            for (var method : codeLengths(classFile(name))) {
                if (method.length > HUGE_METHOD) {
                    huge.add(name + " " + method.name + " (" + method.length + " bytes)");
                }
            }
        }
        assertTrue(dispatchers.size() >= 25, dispatchers.size() + " dispatch classes (expected: the 5 host-call and at"
                + " least 20 call_indirect ones)");
        assertEquals(List.of(), huge, "methods HotSpot will not compile");
    }

    /** Simple names of the classes of pglite-wasm's package that start with {@code prefix}, from its jar or directory. */
    private static List<String> classes(String prefix) throws IOException {
        return classes("", prefix);
    }

    /** The same for {@code subdirectory} of the package ({@code "side/"}: the side modules). */
    private static List<String> classes(String subdirectory, String prefix) throws IOException {
        Path location;
        try {
            location = Path.of(PgliteModule.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        String directory = PgliteModule.class.getPackageName().replace('.', '/') + "/" + subdirectory;
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(location)) {
            try (Stream<Path> files = Files.list(location.resolve(directory))) {
                files.forEach(file -> names.add(file.getFileName().toString()));
            }
        } else {
            try (ZipFile jar = new ZipFile(location.toFile())) {
                jar.stream().map(ZipEntry::getName)
                        .filter(name -> name.startsWith(directory) && name.indexOf('/', directory.length()) < 0)
                        .forEach(name -> names.add(name.substring(directory.length())));
            }
        }
        return names.stream().filter(name -> name.startsWith(prefix) && name.endsWith(".class"))
                .map(name -> name.substring(0, name.length() - ".class".length())).sorted().toList();
    }

    private static byte[] classFile(String simpleName) throws IOException {
        try (InputStream in = PgliteModule.class.getResourceAsStream(simpleName + ".class")) {
            return in.readAllBytes();
        }
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
