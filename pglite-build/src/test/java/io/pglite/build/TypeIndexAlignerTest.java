package io.pglite.build;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportTable;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.FunctionBody;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.OpCode;
import com.dylibso.chicory.wasm.types.ValType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Side modules are renumbered to the main module's type indices and still compute the same. */
class TypeIndexAlignerTest {
    private static final int I32 = 0x7f;
    private static final int F32 = 0x7d;
    private static final int F64 = 0x7c;
    private static final FunctionType VOID = FunctionType.empty();
    private static final FunctionType I64_TO_VOID = FunctionType.of(List.of(ValType.I64), List.of());
    private static final FunctionType I32_TO_I32 = FunctionType.of(List.of(ValType.I32), List.of(ValType.I32));
    private static final FunctionType F64_TO_VOID = FunctionType.of(List.of(ValType.F64), List.of());
    private static final FunctionType I32_TO_I32_I32 =
            FunctionType.of(List.of(ValType.I32), List.of(ValType.I32, ValType.I32));
    private static final FunctionType I32_I32_TO_I32 =
            FunctionType.of(List.of(ValType.I32, ValType.I32), List.of(ValType.I32));
    private static final List<FunctionType> MAIN = List.of(VOID, I64_TO_VOID, I32_TO_I32);

    /**
     * Types: 0 = (i32)->i32, 1 = (f64)->(), 2 = (i32)->(i32 i32). Imports "env.twice" : type 0.
     * Function 1 "run" (i32)->i32 calls slot 0 of its own table (the import) through call_indirect
     * type 0 inside a block of type 2; function 2 "unused" (f64)->().
     */
    private static byte[] smallSideModule() {
        byte[] run = body(0,
                0x20, 0, // local.get 0
                0x02, 2, // block (type 2): [i32] -> [i32 i32]
                0x41, 0, 0x11, 0, 0, // i32.const 0 ; call_indirect type 0 table 0
                0x20, 0, // local.get 0
                0x0b,
                0x6a, // i32.add
                0x0b);
        return module(
                section(0, name("dylink.0"), bytes(1, 4, 16, 2, 1, 0)),
                section(1, vec(funcType(new int[] {I32}, new int[] {I32}), funcType(new int[] {F64}, new int[] {}),
                        funcType(new int[] {I32}, new int[] {I32, I32}))),
                section(2, vec(cat(name("env"), name("twice"), bytes(0, 0)))),
                section(3, vec(bytes(0), bytes(1))),
                section(4, vec(bytes(0x70, 0, 1))),
                section(7, vec(cat(name("run"), bytes(0, 1)))),
                section(9, vec(bytes(0, 0x41, 0, 0x0b, 1, 0))),
                section(10, vec(run, body(0, 0x0b))));
    }

    @Test
    void typeSectionIsTheMainTypesFollowedByTheSideTypesTheyLack() {
        WasmModule aligned = Parser.parse(TypeIndexAligner.align(MAIN, smallSideModule()));
        assertEquals(List.of(VOID, I64_TO_VOID, I32_TO_I32, F64_TO_VOID, I32_TO_I32_I32),
                List.of(aligned.typeSection().types()));
    }

    @Test
    void everyTypeReferenceIsRemapped() {
        WasmModule aligned = Parser.parse(TypeIndexAligner.align(MAIN, smallSideModule()));
        assertEquals(2, ((FunctionImport) aligned.importSection().getImport(0)).typeIndex());
        assertEquals(2, aligned.functionSection().getFunctionType(0));
        assertEquals(3, aligned.functionSection().getFunctionType(1));
        List<AnnotatedInstruction> run = aligned.codeSection().getFunctionBody(0).instructions();
        assertEquals(2, first(run, OpCode.CALL_INDIRECT).operand(0));
        assertEquals(4, first(run, OpCode.BLOCK).operand(0));
    }

    @Test
    void alignedModuleComputesWhatTheOriginalDoes() {
        for (byte[] module : List.of(smallSideModule(), TypeIndexAligner.align(MAIN, smallSideModule()))) {
            Instance instance = Instance.builder(Parser.parse(module)).withImportValues(ImportValues.builder()
                    .addFunction(new HostFunction("env", "twice", I32_TO_I32, (inst, args) -> new long[] {args[0] * 2}))
                    .build()).build();
            assertEquals(63, instance.export("run").apply(21)[0]); // twice(21) + 21
        }
    }

    @Test
    void mainTypesKeepTheirIndicesEvenWhenRepeatedAndSideTypesTakeTheFirst() {
        List<FunctionType> main = List.of(I32_TO_I32, VOID, I32_TO_I32);
        WasmModule aligned = Parser.parse(TypeIndexAligner.align(main, smallSideModule()));
        assertEquals(List.of(I32_TO_I32, VOID, I32_TO_I32, F64_TO_VOID, I32_TO_I32_I32),
                List.of(aligned.typeSection().types()));
        assertEquals(0, aligned.functionSection().getFunctionType(0));
    }

    @Test
    void referenceTypesInSignaturesMatchTheMainTypes() {
        FunctionType funcrefToExternref = FunctionType.of(List.of(ValType.FuncRef), List.of(ValType.ExternRef));
        byte[] side = module(
                section(1, vec(funcType(new int[] {F64}, new int[] {}), funcType(new int[] {0x70}, new int[] {0x6f}))),
                section(3, vec(bytes(1))),
                section(10, vec(body(0, 0xd0, 0x6f, 0x0b)))); // ref.null extern
        WasmModule aligned = Parser.parse(TypeIndexAligner.align(List.of(VOID, funcrefToExternref), side));
        assertEquals(List.of(VOID, funcrefToExternref, F64_TO_VOID), List.of(aligned.typeSection().types()));
        assertEquals(1, aligned.functionSection().getFunctionType(0));
    }

    @Test
    void moduleWhoseIndicesDoNotChangeIsCopiedByteForByte() {
        byte[] module = smallSideModule();
        assertArrayEquals(module, TypeIndexAligner.align(List.of(), module));
    }

    @Test
    void customSectionsStayFirstAndUnchanged() {
        byte[] module = smallSideModule();
        int dylinkEnd = 8 + 2 + module[9];
        byte[] aligned = TypeIndexAligner.align(MAIN, module);
        assertArrayEquals(Arrays.copyOf(module, dylinkEnd), Arrays.copyOf(aligned, dylinkEnd));
    }

    /** 68 types (i32^k)->() for k = 0..67, then (i32)->i32 at 68, then (f32)->f32 at 69. */
    private static List<FunctionType> manyMainTypes() {
        List<FunctionType> types = new ArrayList<>();
        for (int k = 0; k < 68; k++) {
            types.add(FunctionType.of(Collections.nCopies(k, ValType.I32), List.of()));
        }
        types.add(I32_TO_I32);
        types.add(FunctionType.of(List.of(ValType.F32), List.of(ValType.F32)));
        return types;
    }

    /**
     * Exercises call_indirect and return_call_indirect through its own table, typed block and loop,
     * br_table, if/else, select with and without types, memory, bulk memory, passive data, table.size,
     * ref.func, sign extension, saturating truncation and all constant forms. Types: 0 = (i32)->i32,
     * 1 = (i32 i32)->i32, 2 = (i32)->(i32 i32). Functions: 0 square, 1 negate, 2 run(sel, x), 3 tail(sel, x).
     */
    private static byte[] calculatorModule() {
        byte[] run = body(1, // one i32 local: 2
                0x20, 1, 0x20, 0, 0x11, 0, 0, // table[sel](x)
                0x02, 2, 0x41, 3, 0x0b, 0x6a, // block (type 2) pushes 3 ; i32.add
                0x21, 2,
                0x41, 16, 0x20, 2, 0x36, 2, 0, // i32.store [16]
                0x41, 32, 0x41, 0, 0x41, 8, 0xfc, 11, 0, // memory.fill [32..40) = 0
                0x41, 32, 0x41, 16, 0x41, 4, 0xfc, 10, 0, 0, // memory.copy [32] <- [16]
                0x41, 32, 0x28, 2, 0, // i32.load [32]
                0x44, 0, 0, 0, 0, 0, 0, 0x04, 0x40, 0xfc, 2, 0x6a, // + i32.trunc_sat_f64_s(2.5)
                0x41, 0x80, 0x01, 0xc0, 0x6a, // + i32.extend8_s(128)
                0x42, 0xe8, 0x07, 0xa7, 0x6a, // + i32.wrap_i64(1000)
                0x43, 0, 0, 0x20, 0x40, 0xa8, 0x6a, // + i32.trunc_f32_s(2.5)
                0x21, 2,
                0x41, 48, 0x41, 0, 0x41, 4, 0xfc, 8, 0, 0, 0xfc, 9, 0, // memory.init [48] <- "abcd" ; data.drop
                0x20, 2, 0x41, 48, 0x28, 2, 0, 0x6a, 0x21, 2,
                0x02, 0x40, 0x02, 0x40, 0x20, 0, 0x0e, 1, 0, 1, 0x0b, // br_table [0] default 1
                0x20, 2, 0x41, 0xe8, 0x07, 0x6a, 0x21, 2, 0x0b, // + 1000 when sel == 0
                0x20, 2,
                0x20, 0, 0x04, I32, 0x41, 0xe4, 0, 0x05, 0x41, 0xc8, 1, 0x0b, 0x6a, // + (sel ? 100 : 200)
                0x41, 7, 0x41, 9, 0x20, 0, 0x1b, 0x6a, // + select
                0x41, 1, 0x41, 2, 0x20, 0, 0x1c, 1, I32, 0x6a, // + select (result i32)
                0xfc, 16, 0, 0x6a, // + table.size
                0xd2, 0, 0xd1, 0x6a, // + ref.is_null(ref.func 0)
                0x03, 0, 0x41, 1, 0x6a, 0x0b, // loop (type 0): + 1
                0x3f, 0, 0x6a, // + memory.size
                0x0b);
        return module(
                section(1, vec(funcType(new int[] {I32}, new int[] {I32}), funcType(new int[] {I32, I32}, new int[] {I32}),
                        funcType(new int[] {I32}, new int[] {I32, I32}))),
                section(3, vec(bytes(0), bytes(0), bytes(1), bytes(1))),
                section(4, vec(bytes(0x70, 0, 2))),
                section(5, vec(bytes(0, 1))),
                section(7, vec(cat(name("run"), bytes(0, 2)), cat(name("tail"), bytes(0, 3)))),
                section(9, vec(bytes(0, 0x41, 0, 0x0b, 2, 0, 1))),
                section(12, bytes(1)),
                section(10, vec(
                        body(0, 0x20, 0, 0x20, 0, 0x6c, 0x0b),
                        body(0, 0x41, 0, 0x20, 0, 0x6b, 0x0b),
                        run,
                        body(0, 0x20, 1, 0x20, 0, 0x13, 0, 0, 0x0b))),
                section(11, vec(cat(bytes(1), vec(bytes('a'), bytes('b'), bytes('c'), bytes('d'))))));
    }

    @Test
    void blockTypeIndicesAboveSixtyThreeAreEncodedAsSignedLeb() {
        WasmModule aligned = Parser.parse(TypeIndexAligner.align(manyMainTypes(), calculatorModule()));
        assertEquals(72, aligned.typeSection().typeCount());
        // Chicory reads block types as unsigned LEB128 and would accept 0x47 too: check the s33 bytes
        byte[] encoded = TypeIndexAligner.align(manyMainTypes(), calculatorModule());
        indexOf(encoded, bytes(0x02, 0xc7, 0x00, 0x41, 3)); // block (type 71) ; i32.const 3
        indexOf(encoded, bytes(0x03, 0xc4, 0x00, 0x41, 1)); // loop (type 68) ; i32.const 1
        List<AnnotatedInstruction> run = aligned.codeSection().getFunctionBody(2).instructions();
        assertEquals(68, first(run, OpCode.CALL_INDIRECT).operand(0));
        assertEquals(71, first(run, OpCode.BLOCK).operand(0));
        assertEquals(68, first(run, OpCode.LOOP).operand(0));
        assertEquals(68, first(aligned.codeSection().getFunctionBody(3).instructions(), OpCode.RETURN_CALL_INDIRECT)
                .operand(0));
    }

    @Test
    void alignedCalculatorGivesTheOriginalsResultsInTheInterpreter() {
        byte[] original = calculatorModule();
        byte[] aligned = TypeIndexAligner.align(manyMainTypes(), original);
        // negate(5) + 3 + 2 - 128 + 1000 + 2 + "abcd" + 100 + 7 + 1 + table.size 2 + 0 + 1 + memory.size 1
        assertEquals(-5 + 3 + 2 - 128 + 1000 + 2 + 0x64636261 + 100 + 7 + 1 + 2 + 1 + 1, (int) call(original, "run", 1, 5));
        for (String function : List.of("run", "tail")) {
            for (int sel = 0; sel < 2; sel++) {
                for (int x : new int[] {0, 5, -7, 123_456}) {
                    assertEquals(call(original, function, sel, x), call(aligned, function, sel, x), function + sel + x);
                }
            }
        }
    }

    /** A fresh instance per call: "run" drops its passive data segment. */
    private static long call(byte[] module, String function, int sel, int x) {
        return Instance.builder(Parser.parse(module)).build().export(function).apply(sel, x)[0];
    }

    /**
     * Main: types ()->(), (i64)->(), (i32)->i32, (i32 i32)->i32; exports its table (4 slots) and
     * "callSlot"(x, slot) = table[slot](x) with call_indirect type 2; slot 0 holds "double".
     */
    private static byte[] mainModule() {
        return module(
                section(1, vec(funcType(new int[] {}, new int[] {}), funcType(new int[] {0x7e}, new int[] {}),
                        funcType(new int[] {I32}, new int[] {I32}), funcType(new int[] {I32, I32}, new int[] {I32}))),
                section(3, vec(bytes(2), bytes(3))),
                section(4, vec(bytes(0x70, 0, 4))),
                section(7, vec(cat(name("table"), bytes(1, 0)), cat(name("callSlot"), bytes(0, 1)))),
                section(9, vec(bytes(0, 0x41, 0, 0x0b, 1, 0))),
                section(10, vec(body(0, 0x20, 0, 0x41, 2, 0x6c, 0x0b), body(0, 0x20, 0, 0x20, 1, 0x11, 2, 0, 0x0b))));
    }

    /**
     * Side: types (i32)->i32, (f64)->(), (f32)->f32; imports the table; "plusOne"(x) = x + 1 and
     * "callMain"(x) = table[0](x) with call_indirect type 0.
     */
    private static byte[] sideModuleSharingTheTable() {
        return module(
                section(0, name("dylink.0"), bytes(1, 4, 0, 0, 0, 0)),
                section(1, vec(funcType(new int[] {I32}, new int[] {I32}), funcType(new int[] {F64}, new int[] {}),
                        funcType(new int[] {F32}, new int[] {F32}))),
                section(2, vec(cat(name("env"), name("table"), bytes(1, 0x70, 0, 4)))),
                section(3, vec(bytes(0), bytes(0))),
                section(7, vec(cat(name("plusOne"), bytes(0, 0)), cat(name("callMain"), bytes(0, 1)))),
                section(10, vec(body(0, 0x20, 0, 0x41, 1, 0x6a, 0x0b), body(0, 0x20, 0, 0x41, 0, 0x11, 0, 0, 0x0b))));
    }

    /** Instantiates main and side, and puts the side's "plusOne" into slot 1 of the shared table. */
    private static Instance[] link(byte[] side) {
        WasmModule mainModule = Parser.parse(mainModule());
        Instance main = Instance.builder(mainModule).build();
        Instance sideInstance = Instance.builder(Parser.parse(side)).withImportValues(ImportValues.builder()
                .addTable(new ImportTable("env", "table", main.table(0))).build()).build();
        main.table(0).setRef(1, 0, sideInstance);
        return new Instance[] {main, sideInstance};
    }

    @Test
    void withoutAlignmentCrossInstanceIndirectCallsFailTheTypeCheck() {
        Instance[] linked = link(sideModuleSharingTheTable());
        ChicoryException sideToMain = assertThrows(ChicoryException.class, () -> linked[1].export("callMain").apply(21));
        assertTrue(sideToMain.getMessage().contains("indirect call type mismatch"), sideToMain.getMessage());
        ChicoryException mainToSide = assertThrows(ChicoryException.class, () -> linked[0].export("callSlot").apply(20, 1));
        assertTrue(mainToSide.getMessage().contains("indirect call type mismatch"), mainToSide.getMessage());
    }

    @Test
    void alignedSideModuleCallsAndIsCalledThroughTheSharedTable() {
        List<FunctionType> mainTypes = List.of(Parser.parse(mainModule()).typeSection().types());
        Instance[] linked = link(TypeIndexAligner.align(mainTypes, sideModuleSharingTheTable()));
        assertEquals(42, linked[1].export("callMain").apply(21)[0]);
        assertEquals(21, linked[0].export("callSlot").apply(20, 1)[0]);
        assertEquals(40, linked[0].export("callSlot").apply(20, 0)[0]);
    }

    @Test
    void blockTypeIndexThatChicoryWouldTakeForAnEmptyBlockIsRefused() {
        List<FunctionType> main = new ArrayList<>(manyMainTypes().subList(0, 64)); // block type (i32)->(i32 i32) lands at 64
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TypeIndexAligner.align(main, calculatorModule()));
        assertTrue(e.getMessage().startsWith("block type index 64 at byte"), e.getMessage());
    }

    @Test
    void simdOpcodeIsRefusedWithItsOffset() {
        byte[] module = smallSideModule();
        int add = indexOf(module, bytes(0x0b, 0x6a, 0x0b)) + 1; // the i32.add after the block
        module[add] = (byte) 0xfd;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TypeIndexAligner.align(MAIN, module));
        assertEquals("unsupported opcode 0xfd (SIMD) at byte " + add, e.getMessage());
    }

    @Test
    void exceptionHandlingIsRefused() {
        byte[] module = smallSideModule();
        int block = indexOf(module, bytes(0x02, 2, 0x41, 0));
        module[block] = 0x06; // try
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TypeIndexAligner.align(MAIN, module));
        assertEquals("unsupported opcode 0x6 (exception handling) at byte " + block, e.getMessage());
    }

    @Test
    void truncatedModuleIsRefused() {
        byte[] module = smallSideModule();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TypeIndexAligner.align(MAIN, Arrays.copyOf(module, module.length - 3)));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    private static final Path PACKAGE = Path.of("../pglite-wasm/target/pglite");

    @Test
    void pgliteSideModulesAlignToThePgliteTypes() throws IOException {
        assumeTrue(Files.isRegularFile(PACKAGE.resolve("pglite.wasm")), PACKAGE + " not unpacked yet (built by pglite-wasm)");
        List<FunctionType> pgliteTypes = SideModuleCompiler.types(Files.readAllBytes(PACKAGE.resolve("pglite.wasm")));
        Map<String, byte[]> modules = SideModuleCompiler.sideModules(PACKAGE.resolve("pglite.js"),
                PACKAGE.resolve("pglite.data"), List.of());
        for (String file : List.of("plpgsql.so", "dict_snowball.so")) {
            byte[] original = modules.get("/pglite/lib/postgresql/" + file);
            assertArrayEquals(original, TypeIndexAligner.align(List.of(), original), file + " re-encoded");
            WasmModule before = Parser.parse(original);
            WasmModule after = Parser.parse(TypeIndexAligner.align(pgliteTypes, original));
            assertEquals(pgliteTypes, List.of(after.typeSection().types()).subList(0, pgliteTypes.size()));
            assertEquals(before.importSection().importCount(), after.importSection().importCount());
            for (int i = 0; i < before.importSection().importCount(); i++) {
                if (before.importSection().getImport(i) instanceof FunctionImport f) {
                    FunctionImport g = (FunctionImport) after.importSection().getImport(i);
                    assertEquals(before.typeSection().getType(f.typeIndex()), after.typeSection().getType(g.typeIndex()));
                }
            }
            assertEquals(before.functionSection().functionCount(), after.functionSection().functionCount());
            assertEquals(before.codeSection().functionBodyCount(), after.codeSection().functionBodyCount());
            for (int f = 0; f < before.functionSection().functionCount(); f++) {
                assertEquals(before.functionSection().getFunctionType(f, before.typeSection()),
                        after.functionSection().getFunctionType(f, after.typeSection()), file + " function " + f);
                assertEquals(opcodes(before.codeSection().getFunctionBody(f)), opcodes(after.codeSection().getFunctionBody(f)),
                        file + " function " + f);
            }
        }
    }

    private static String opcodes(FunctionBody body) {
        return body.instructions().stream().map(i -> i.opcode().name()).collect(Collectors.joining(" "));
    }

    private static AnnotatedInstruction first(List<AnnotatedInstruction> instructions, OpCode opcode) {
        return instructions.stream().filter(i -> i.opcode() == opcode).findFirst().orElseThrow();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = haystack.length - needle.length; i >= 0; i--) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new IllegalStateException("pattern not found");
    }

    // Building modules byte by byte

    static byte[] module(byte[]... sections) {
        return cat(bytes(0, 'a', 's', 'm', 1, 0, 0, 0), cat(sections));
    }

    static byte[] section(int id, byte[]... content) {
        byte[] body = cat(content);
        return cat(bytes(id), u32(body.length), body);
    }

    static byte[] vec(byte[]... items) {
        return cat(u32(items.length), cat(items));
    }

    static byte[] funcType(int[] params, int[] results) {
        return cat(bytes(0x60), vec(Arrays.stream(params).mapToObj(TypeIndexAlignerTest::bytes).toArray(byte[][]::new)),
                vec(Arrays.stream(results).mapToObj(TypeIndexAlignerTest::bytes).toArray(byte[][]::new)));
    }

    /** A size-prefixed function body with {@code i32Locals} i32 locals. */
    static byte[] body(int i32Locals, int... code) {
        byte[] content = cat(i32Locals == 0 ? bytes(0) : bytes(1, i32Locals, I32), bytes(code));
        return cat(u32(content.length), content);
    }

    static byte[] name(String s) {
        return WasmAssembler.name(s);
    }

    static byte[] u32(int value) {
        return WasmAssembler.leb(value);
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
