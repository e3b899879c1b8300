package io.pglite.build;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.internal.Compiler;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.SectionId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * AOT-compiles PostgreSQL's side modules ({@code plpgsql.so}, the encoding converters, {@code dict_snowball.so} and
 * the extensions' modules) to JVM classes, so that no function of them runs in Chicory's interpreter.
 *
 * <p>Each module is split like the main module ({@link FunctionSplitter}), its GOT imports are made globals
 * of its own ({@link GotInternalizer}), and its types are renumbered ({@link TypeIndexAligner}) against one type list shared by all of them: the main module's types followed by every
 * type some side module adds. Chicory checks an indirect call into another instance by type index, so every module
 * of an instance must number a signature alike, whatever order PostgreSQL loads them in.
 *
 * <p>Output, below {@code --out}: {@code io/pglite/wasm/side/<Name>Machine*.class}, the module's metadata
 * {@code <Name>.meta} (every body the stub {@code unreachable}, no custom sections) and {@code side-modules.properties},
 * which maps each module's path in the engine's file system to its name and the memory and table its
 * {@code dylink.0} asks for. Nothing is done when {@code --stamp} records {@code --key}.
 *
 * <p>Options: {@code --main PgliteModule.meta --js pglite.js --data pglite.data --extensions DIR[,DIR...]
 * --target-size BYTES --max-size BYTES --out DIR --stamp FILE --key KEY}: the modules are those of
 * {@link ExtensionBundle#files}.
 */
public final class SideModuleCompiler {

    /** Version of this tool's output, part of its stamp's key. */
    public static final String VERSION = "3";
    static final String PACKAGE = "io.pglite.wasm.side";
    static final String INDEX = "side-modules.properties";
    private static final int CUSTOM_SECTION = 0;
    private static final int CODE_SECTION = 10;

    private SideModuleCompiler() {
    }

    public static void main(String[] args) throws IOException {
        Args options = Args.parse(args);
        Path stamp = options.path("stamp");
        String key = options.string("key") + ", SideModuleCompiler " + VERSION + ", ComparisonRewriter "
                + ComparisonRewriter.VERSION;
        Path out = options.path("out");
        if (BuildFiles.stampMatches(stamp, key) && Files.isRegularFile(out.resolve(packageDir()).resolve(INDEX))) {
            System.out.println("[SideModuleCompiler] " + out + " is up to date");
            return;
        }
        Files.deleteIfExists(stamp);
        BuildFiles.deleteRecursively(out);
        Map<String, byte[]> modules = sideModules(options.path("js"), options.path("data"),
                ExtensionBundle.directories(options.string("extensions")));
        List<FunctionType> mainTypes = types(Files.readAllBytes(options.path("main")));
        int targetSize = Integer.parseInt(options.string("target-size"));
        int maxSize = Integer.parseInt(options.string("max-size"));
        long start = System.nanoTime();
        Map<String, DylinkSection> compiled = compileAll(mainTypes, modules, targetSize, maxSize, out);
        StringBuilder index = new StringBuilder("# path in the engine's file system = class name in " + PACKAGE
                + ", memory size, log2 of its alignment, table size (from dylink.0)\n");
        compiled.forEach((path, dylink) -> index.append(path).append('=').append(className(path)).append(' ')
                .append(dylink.memorySize()).append(' ').append(dylink.memoryAlignment()).append(' ')
                .append(dylink.tableSize()).append('\n'));
        BuildFiles.writeIfChanged(out.resolve(packageDir()).resolve(INDEX), index.toString().getBytes(StandardCharsets.UTF_8));
        BuildFiles.writeStamp(stamp, key);
        System.out.printf(Locale.ROOT, "[SideModuleCompiler] compiled %d side modules in %.1f s%n", compiled.size(),
                (System.nanoTime() - start) / 1e9);
    }

    /** Every {@code .so} of the engine's bundle, extensions included, by its path, in path order. */
    static Map<String, byte[]> sideModules(Path glue, Path data, List<Path> extensionDirs) throws IOException {
        Map<String, byte[]> modules = new TreeMap<>();
        ExtensionBundle.files(glue, data, extensionDirs).forEach((path, bytes) -> {
            if (path.endsWith(".so")) {
                modules.put(path, bytes);
            }
        });
        return modules;
    }

    /**
     * Splits (see {@link FunctionSplitter} for the sizes), aligns, compiles and rewrites ({@link ComparisonRewriter})
     * every module, writing classes and metadata below {@code out}; returns each module's {@code dylink.0} by path.
     */
    static Map<String, DylinkSection> compileAll(List<FunctionType> mainTypes, Map<String, byte[]> modules,
            int targetSize, int maxSize, Path out) throws IOException {
        Map<String, byte[]> prepared = new TreeMap<>();
        modules.forEach((path, bytes) -> prepared.put(path,
                GotInternalizer.internalize(FunctionSplitter.split(bytes, targetSize, maxSize))));
        List<FunctionType> shared = sharedTypes(mainTypes, prepared.values());
        Map<String, DylinkSection> linking = new TreeMap<>();
        for (var entry : prepared.entrySet()) {
            byte[] aligned = TypeIndexAligner.align(shared, entry.getValue());
            String name = className(entry.getKey());
            Compiler compiler = Compiler.builder(Parser.parse(aligned))
                    .withClassName(PACKAGE + "." + name + "Machine")
                    .withInterpreterFallback(InterpreterFallback.FAIL)
                    .build();
            for (var classFile : compiler.compile().classBytes().entrySet()) {
                BuildFiles.writeIfChanged(out.resolve(classFile.getKey().replace('.', '/') + ".class"),
                        ComparisonRewriter.rewrite(classFile.getValue()));
            }
            BuildFiles.writeIfChanged(out.resolve(packageDir()).resolve(name + ".meta"), stubBodies(aligned));
            linking.put(entry.getKey(), DylinkSection.parse(aligned));
        }
        return linking;
    }

    /** The main module's types followed by each type a side module has and no earlier list had. */
    static List<FunctionType> sharedTypes(List<FunctionType> mainTypes, Iterable<byte[]> modules) {
        List<FunctionType> shared = mainTypes;
        for (byte[] module : modules) {
            shared = types(TypeIndexAligner.align(shared, module));
        }
        return shared;
    }

    static List<FunctionType> types(byte[] module) {
        WasmModule parsed = Parser.builder().withValidation(false).includeSectionId(SectionId.TYPE).build().parse(module);
        return List.of(parsed.typeSection().types());
    }

    /** A Java class name for a module path: {@code /x/utf8_and_euc_jp.so} gives {@code Utf8_and_euc_jp}. */
    static String className(String path) {
        String file = path.substring(path.lastIndexOf('/') + 1).replaceFirst("\\.so$", "");
        StringBuilder name = new StringBuilder();
        for (char c : file.toCharArray()) {
            name.append(Character.isJavaIdentifierPart(c) ? c : '_');
        }
        name.setCharAt(0, Character.toUpperCase(name.charAt(0)));
        return Character.isJavaIdentifierStart(name.charAt(0)) ? name.toString() : "M" + name;
    }

    private static Path packageDir() {
        return Path.of(PACKAGE.replace('.', '/'));
    }

    /**
     * The module with every function body replaced by {@code unreachable} and without custom sections: what Chicory
     * needs besides the compiled classes.
     */
    static byte[] stubBodies(byte[] module) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(module.length / 2);
        out.write(module, 0, 8);
        WasmReader in = new WasmReader(module, 8);
        while (in.position < module.length) {
            int id = in.u8();
            int size = in.u32();
            int start = in.position;
            if (id == CODE_SECTION) {
                int count = in.u32();
                ByteArrayOutputStream code = new ByteArrayOutputStream(4 + 4 * count);
                Leb.writeUnsigned(code, count);
                for (int i = 0; i < count; i++) {
                    code.writeBytes(new byte[] {3, 0, 0, 0x0b}); // size, no locals, unreachable, end
                }
                out.write(id);
                Leb.writeUnsigned(out, code.size());
                out.writeBytes(code.toByteArray());
            } else if (id != CUSTOM_SECTION) { // names and dylink.0 are left out: the index has what linking needs
                out.write(id);
                Leb.writeUnsigned(out, size);
                out.write(module, start, size);
            }
            in.position = start + size;
        }
        return out.toByteArray();
    }
}
