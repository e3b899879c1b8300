package io.pglite.core.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.OpCode;
import com.dylibso.chicory.wasm.types.ValType;
import io.pglite.wasm.PgliteModule;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Side modules are renumbered to the main module's type indices and still compute the same. */
class TypeIndexAlignerTest {
    private static final FunctionType VOID = FunctionType.empty();
    private static final FunctionType I64_TO_VOID = FunctionType.of(List.of(ValType.I64), List.of());
    private static final FunctionType I32_TO_I32 = FunctionType.of(List.of(ValType.I32), List.of(ValType.I32));
    private static final List<FunctionType> MAIN = List.of(VOID, I64_TO_VOID, I32_TO_I32);

    /**
     * Types: 0 = (i32)->i32, 1 = (f64)->(). Imports "env.twice" : type 0. Functions: 1 "run" (i32)->i32,
     * which calls slot 0 of its own table through call_indirect type 0 inside a block; 2 "unused" (f64)->().
     */
    private static byte[] sideModule() {
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        m.writeBytes(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
        section(m, 0, concat(name("dylink.0"), new byte[] {1, 4, 16, 2, 1, 0}));
        section(m, 1, new byte[] {2, 0x60, 1, 0x7f, 1, 0x7f, 0x60, 1, 0x7c, 0});
        section(m, 2, concat(new byte[] {1}, name("env"), name("twice"), new byte[] {0, 0}));
        section(m, 3, new byte[] {2, 0, 1});
        section(m, 4, new byte[] {1, 0x70, 0, 1});
        section(m, 7, concat(new byte[] {1}, name("run"), new byte[] {0, 1}));
        section(m, 9, new byte[] {1, 0, 0x41, 0, 0x0b, 1, 0});
        byte[] run = {0, 0x02, 0x40, 0x20, 0, 0x41, 0, 0x11, 0, 0, 0x21, 0, 0x0b, 0x20, 0, 0x41, 1, 0x6a, 0x0b};
        byte[] unused = {0, 0x0b};
        section(m, 10, concat(new byte[] {2, (byte) run.length}, run, new byte[] {(byte) unused.length}, unused));
        return m.toByteArray();
    }

    @Test
    void typesAreRenumberedToTheMainModulesIndices() {
        WasmModule aligned = Parser.parse(TypeIndexAligner.align(MAIN, sideModule()));
        assertEquals(List.of(VOID, I64_TO_VOID, I32_TO_I32, FunctionType.of(List.of(ValType.F64), List.of())),
                List.of(aligned.typeSection().types()));
        assertEquals(2, ((com.dylibso.chicory.wasm.types.FunctionImport) aligned.importSection().getImport(0)).typeIndex());
        assertEquals(2, aligned.functionSection().getFunctionType(0));
        assertEquals(3, aligned.functionSection().getFunctionType(1));
        AnnotatedInstruction callIndirect = aligned.codeSection().getFunctionBody(0).instructions().stream()
                .filter(i -> i.opcode() == OpCode.CALL_INDIRECT).findFirst().orElseThrow();
        assertEquals(2, callIndirect.operand(0));
    }

    @Test
    void alignedModuleComputesWhatTheOriginalDoes() {
        for (byte[] module : List.of(sideModule(), TypeIndexAligner.align(MAIN, sideModule()))) {
            Instance instance = Instance.builder(Parser.parse(module)).withImportValues(ImportValues.builder()
                    .addFunction(new HostFunction("env", "twice", I32_TO_I32, (inst, args) -> new long[] {args[0] * 2}))
                    .build()).build();
            assertEquals(43, instance.export("run").apply(21)[0]); // twice(21) + 1
        }
    }

    @Test
    void customSectionsStayFirstAndUnchanged() {
        DylinkSection dylink = DylinkSection.parse(TypeIndexAligner.align(MAIN, sideModule()));
        assertEquals(new DylinkSection(16, 2, 1, 0, List.of()), dylink);
    }

    @Test
    void moduleWithoutDylinkIsNotASideModule() {
        byte[] plain = {0, 'a', 's', 'm', 1, 0, 0, 0};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DylinkSection.parse(plain));
        assertTrue(e.getMessage().contains("not an Emscripten side module"), e.getMessage());
    }

    @Test
    void unsupportedOpcodeIsNamedWithItsOffset() {
        byte[] module = sideModule();
        int simd = indexOf(module, new byte[] {0x41, 1, 0x6a}); // i32.const 1 ; i32.add
        module[simd + 2] = (byte) 0xfd;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TypeIndexAligner.align(MAIN, module));
        assertTrue(e.getMessage().contains("unsupported opcode 0xfd"), e.getMessage());
    }

    @Test
    void pgliteSideModulesAlignToThePgliteTypes() throws IOException {
        List<FunctionType> pgliteTypes = List.of(PgliteModule.load().typeSection().types());
        for (String path : List.of("/pglite/lib/postgresql/plpgsql.so", "/pglite/lib/postgresql/dict_snowball.so")) {
            byte[] original = bundledFile(path);
            WasmModule before = Parser.parse(original);
            WasmModule after = Parser.parse(TypeIndexAligner.align(pgliteTypes, original));
            assertEquals(pgliteTypes, List.of(after.typeSection().types()).subList(0, pgliteTypes.size()));
            assertEquals(before.functionSection().functionCount(), after.functionSection().functionCount());
            for (int f = 0; f < before.functionSection().functionCount(); f++) {
                assertEquals(before.functionSection().getFunctionType(f, before.typeSection()),
                        after.functionSection().getFunctionType(f, after.typeSection()), path + " function " + f);
            }
        }
    }

    private static byte[] bundledFile(String path) throws IOException {
        String manifest;
        byte[] data;
        try (InputStream m = PgliteModule.class.getResourceAsStream("pglite.manifest");
                InputStream d = PgliteModule.class.getResourceAsStream("pglite.data")) {
            manifest = new String(m.readAllBytes(), StandardCharsets.UTF_8);
            data = d.readAllBytes();
        }
        for (String line : manifest.split("\n")) {
            String[] f = line.split("\t");
            if (f.length == 3 && f[2].equals(path)) {
                return Arrays.copyOfRange(data, Integer.parseInt(f[0]), Integer.parseInt(f[1]));
            }
        }
        throw new IllegalStateException(path + " is not in the data bundle");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = haystack.length - needle.length; i >= 0; i--) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new IllegalStateException("pattern not found");
    }

    private static void section(ByteArrayOutputStream out, int id, byte[] content) {
        out.write(id);
        WasmReader.writeU32(out, content.length);
        out.writeBytes(content);
    }

    private static byte[] name(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return concat(new byte[] {(byte) b.length}, b);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
