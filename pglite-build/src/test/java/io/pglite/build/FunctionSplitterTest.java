package io.pglite.build;

import static io.pglite.build.WasmAssembler.F32;
import static io.pglite.build.WasmAssembler.F64;
import static io.pglite.build.WasmAssembler.I32;
import static io.pglite.build.WasmAssembler.I64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.pglite.build.WasmAssembler.Code;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Runs modules before and after {@link FunctionSplitter} in Chicory's interpreter and compares their results on many
 * inputs. The size limits are tiny, so that every test function is cut into many outlined functions.
 */
class FunctionSplitterTest {

    /** Results of {@code f<function>} for each input pair, or the trap's message. */
    private static List<String> run(byte[] wasm, int function, long[][] inputs) {
        WasmModule module = Parser.parse(wasm); // validates
        Instance instance = Instance.builder(module).build();
        List<String> results = new ArrayList<>();
        for (long[] input : inputs) {
            try {
                results.add(Arrays.toString(instance.export("f" + function).apply(input)));
            } catch (RuntimeException e) {
                results.add("trap " + e.getMessage());
            }
        }
        return results;
    }

    static List<String> runAll(byte[] wasm, long[][] inputs) {
        return run(wasm, 0, inputs);
    }

    private static long[][] inputs(int count, long seed) {
        Random random = new Random(seed);
        long[][] inputs = new long[count][];
        for (int i = 0; i < count; i++) {
            inputs[i] = new long[] {i < 8 ? i - 2 : random.nextInt(64) - 16, random.nextInt()};
        }
        return inputs;
    }

    /** Splits with {@code maxSize}, checks every body fits it and that results match the original's. */
    private static byte[] assertSameResults(byte[] wasm, int functions, int maxSize, long[][] inputs) {
        return assertSameResults(wasm, functions, maxSize, maxSize, inputs);
    }

    /**
     * Splits toward {@code targetSize}, checks every body fits it (not only the maximum) and that results match the
     * original's.
     */
    private static byte[] assertSameResults(byte[] wasm, int functions, int targetSize, int maxSize, long[][] inputs) {
        byte[] split = FunctionSplitter.split(wasm, targetSize, maxSize);
        for (int size : bodySizes(split)) {
            assertTrue(size <= targetSize, "body of " + size + " bytes (expected: at most " + targetSize + ")");
        }
        for (int f = 0; f < functions; f++) {
            assertEquals(run(wasm, f, inputs), run(split, f, inputs), "results of f" + f);
        }
        return split;
    }

    /** Sizes of the code section's bodies. */
    static int[] bodySizes(byte[] wasm) {
        int p = 8;
        while (p < wasm.length) {
            int id = wasm[p++];
            long[] size = leb(wasm, p);
            p = (int) size[1];
            if (id == 10) {
                long[] count = leb(wasm, p);
                int q = (int) count[1];
                int[] sizes = new int[(int) count[0]];
                for (int i = 0; i < sizes.length; i++) {
                    long[] body = leb(wasm, q);
                    sizes[i] = (int) body[0];
                    q = (int) (body[1] + body[0]);
                }
                return sizes;
            }
            p += (int) size[0];
        }
        return new int[0];
    }

    private static long[] leb(byte[] bytes, int p) {
        long value = 0;
        for (int shift = 0; ; shift += 7) {
            int b = bytes[p++] & 0xff;
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return new long[] {value, p};
            }
        }
    }

    /**
     * A loop around a {@code br_table} switch, as LLVM lowers one: nested blocks, the table in the innermost, each
     * arm after the end of its block, most arms continuing the loop, one returning from inside, one leaving the
     * loop, and locals of all four types changed in the arms and read after the loop.
     */
    @Test
    void switchInLoopWithLocalsOfAllTypes() {
        byte[] wasm = switchModule();
        long[][] inputs = inputs(200, 1);
        for (int max : new int[] {350, 450, 550}) {
            byte[] split = assertSameResults(wasm, 1, max, inputs);
            assertTrue(bodySizes(split).length > 1, "split into " + bodySizes(split).length + " functions");
        }
        // the custom section stays first and unchanged
        byte[] split = FunctionSplitter.split(wasm, 450);
        assertArrayEquals(Arrays.copyOfRange(wasm, 8, 23), Arrays.copyOfRange(split, 8, 23));
    }

    private static byte[] switchModule() {
        WasmAssembler asm = new WasmAssembler();
        int type = asm.type(new int[] {I32, I32}, new int[] {I64});
        // locals: 0 state, 1 x, 2 i64 acc, 3 f32, 4 f64, 5 steps
        int arms = 12;
        Code body = new Code();
        body.i32(0).set(5);
        body.block().loop(); // $exit (depth 1 from loop body), $loop (depth 0)
        body.get(5).i32(1).op(0x6a).tee(5).i32(40).op(0x4a).brIf(1); // steps > 40: leave
        for (int i = 0; i <= arms; i++) {
            body.block();
        }
        int[] labels = new int[arms];
        for (int i = 0; i < arms; i++) {
            labels[i] = i;
        }
        body.get(0).brTable(arms, labels);
        for (int arm = 0; arm < arms; arm++) {
            body.end(); // the code for arm `arm`: inside arms - arm blocks, then the loop
            int toLoop = arms - arm;
            body.get(1).i32(arm * 7 + 3).op(0x6c).get(0).op(0x6a).set(1); // x = x * (7 arm + 3) + state
            body.get(2).get(1).op(0xac).op(0x7c).set(2); // acc += (i64) x
            body.get(3).get(1).op(0xb2).op(0x92).set(3); // f32 += x
            body.get(4).get(3).op(0xbb).op(0xa0).set(4); // f64 += f32
            body.get(1).i32(arms).op(0x70).set(0); // state = x % arms (unsigned)
            if (arm == 5) {
                body.get(1).i32(3).op(0x71).op(0x45).ifElse().get(2).i64(1000).op(0x7c).ret().end();
            }
            if (arm == 7) {
                body.get(1).i32(5).op(0x71).op(0x45).brIf(toLoop + 1); // leave the loop
            }
            body.br(toLoop);
        }
        body.end(); // default arm: leave the loop
        body.br(1);
        body.end().end(); // loop, $exit
        body.get(2).get(3).op(0xfc, 0).op(0xac).op(0x7c).get(4).op(0xfc, 6).op(0x7c).get(1).op(0xac).op(0x7c);
        asm.function(type, new int[] {I64, F32, F64, I32}, body);
        return asm.withCustomSection().build();
    }

    /**
     * A switch like a parser's: a table of 1,000 entries to 90 cases in shuffled order, cases that fall through into
     * the next, a default inside or outside the chain. Outlining the cases leaves the chain and its table, larger
     * than any region the targets allow: only {@link SwitchSplitter} can cut it (the outliner alone stops above the
     * target, under the maximum). The result must run alike.
     */
    @Test
    void largeSwitchWithShuffledCases() {
        long[][] inputs = inputs(300, 4);
        for (boolean defaultInside : new boolean[] {false, true}) {
            byte[] wasm = largeSwitchModule(90, 1000, defaultInside, new Random(defaultInside ? 5 : 6));
            for (int target : new int[] {400, 800, 1200}) {
                assertSameResults(wasm, 1, target, 1 << 20, inputs);
            }
        }
    }

    private static byte[] largeSwitchModule(int cases, int entries, boolean defaultInside, Random random) {
        WasmAssembler asm = new WasmAssembler();
        int type = asm.type(new int[] {I32, I32}, new int[] {I64});
        // locals: 0 state, 1 x, 2 i64 acc, 3 steps
        Code body = new Code();
        body.block().loop(); // $exit, $loop
        body.get(3).i32(1).op(0x6a).tee(3).i32(30).op(0x4a).brIf(1); // steps > 30: leave
        for (int i = 0; i <= cases; i++) {
            body.block();
        }
        int[] labels = new int[entries];
        for (int i = 0; i < entries; i++) {
            labels[i] = random.nextInt(cases);
        }
        body.get(0).brTable(defaultInside ? random.nextInt(cases) : cases, labels);
        for (int c = 0; c < cases; c++) {
            body.end(); // case c: inside cases - c blocks, then the loop
            int toLoop = cases - c;
            body.get(1).i32(c * 7 + 3).op(0x6c).get(0).op(0x6a).set(1); // x = x * (7c + 3) + state
            body.get(2).get(1).op(0xac).op(0x7c).set(2); // acc += (i64) x
            body.get(1).i32(3).op(0x76).i32(entries + 40).op(0x70).set(0); // state = (x >>> 3) % (entries + 40)
            if (c % 11 == 4) {
                body.get(1).i32(7).op(0x71).op(0x45).brIf(toLoop + 1); // sometimes leave the loop
            }
            if (c % 4 != 1) {
                body.br(toLoop); // the others fall through into the next case
            }
        }
        body.end(); // default outside the cases: leave the loop
        body.br(1);
        body.end().end(); // loop, $exit
        body.get(2).get(1).op(0xac).op(0x7c);
        asm.function(type, new int[] {I64, I32}, body);
        return asm.build();
    }

    /**
     * A region's temporaries that are dead where it continues (overwritten before any read) do not come back to the
     * caller: only the live local needs a scratch global.
     */
    @Test
    void onlyLocalsLiveAfterARegionComeBack() {
        WasmAssembler asm = new WasmAssembler();
        int type = asm.type(new int[] {I32, I32}, new int[] {I32});
        // locals: 0, 1 params; 2 a temporary, 3 the result
        Code body = new Code();
        body.block(); // the region to outline: writes 2 and 3
        for (int i = 0; i < 40; i++) {
            body.get(0).i32(i).op(0x6a).set(2); // tmp = a + i
            body.get(3).get(2).op(0x73).get(1).op(0x6c).set(3); // r = (r ^ tmp) * b
        }
        body.end();
        body.i32(7).set(2); // tmp overwritten before it is read again
        body.get(3).get(2).op(0x6a); // r + tmp
        asm.function(type, new int[] {I32, I32}, body);
        byte[] wasm = asm.build();
        byte[] split = assertSameResults(wasm, 1, bodySizes(wasm)[0] / 2, inputs(50, 7));
        assertTrue(bodySizes(split).length > 1, "regions outlined");
        assertEquals(1, Parser.parse(split).globalSection().globalCount(), "scratch globals (for local 3 only)");
    }

    @Test
    void leavesSmallFunctionsAndModulesAlone() {
        WasmAssembler asm = new WasmAssembler();
        int type = asm.type(new int[] {I32, I32}, new int[] {I32});
        asm.function(type, new int[0], new Code().get(0).get(1).op(0x6a));
        byte[] wasm = asm.build();
        assertArrayEquals(wasm, FunctionSplitter.split(wasm, 100));
    }

    /**
     * One long expression has no region to outline (the operand stack is never empty inside it): a body over the
     * target is left as it is while it fits the maximum, and fails the transform when it does not.
     */
    @Test
    void bodyWithoutRegionsIsLeftUnderTheMaximumAndRefusedOverIt() {
        WasmAssembler asm = new WasmAssembler();
        int type = asm.type(new int[] {I32, I32}, new int[] {I32});
        Code body = new Code().get(0);
        for (int i = 0; i < 60; i++) {
            body.get(1).i32(i * 31 + 7).op(0x6c).op(0x6a); // acc + x * k
        }
        asm.function(type, new int[0], body);
        byte[] wasm = asm.build();
        int size = bodySizes(wasm)[0];
        assertArrayEquals(wasm, FunctionSplitter.split(wasm, 100, size));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> FunctionSplitter.split(wasm, 100, size - 1));
        assertTrue(e.getMessage().contains("has no region that can be outlined to bring it under " + (size - 1)),
                e.getMessage());
    }

    /** Blocks with results, branches carrying values and dead code after branches stay in their functions. */
    @Test
    void valueBlocksAndDeadCode() {
        WasmAssembler asm = new WasmAssembler();
        int type = asm.type(new int[] {I32, I32}, new int[] {I32});
        Code body = new Code();
        for (int round = 0; round < 6; round++) {
            body.block(I32); // a value block: branches to it carry a value
            body.get(1).get(0).op(0x6c).i32(round).op(0x6a).set(1);
            body.get(1).get(1).i32(round + 1).op(0x6f).op(0x45).brIf(0); // value 1 if divisible
            body.op(0x1a);
            body.block().get(0).i32(round).op(0x48).brIf(0).get(1).i32(17).op(0x73).set(1).end();
            body.get(1).i32(31).op(0x71);
            body.end();
            body.get(1).op(0x6a).set(1);
            body.block().get(1).i32(3).op(0x70).i32(1).op(0x46).ifElse().get(1).ret().op(0x6a).op(0x1a).end().end();
        }
        body.get(1);
        asm.function(type, new int[0], body);
        byte[] wasm = asm.build();
        long[][] inputs = inputs(100, 2);
        for (int max : new int[] {100, 150, 300}) {
            assertSameResults(wasm, 1, max, inputs);
        }
    }

    /** Random structured programs over locals of all four types, split with several limits. */
    @Test
    void randomPrograms() {
        long[][] inputs = inputs(40, 3);
        for (int seed = 0; seed < 60; seed++) {
            RandomProgram program = new RandomProgram(new Random(seed));
            byte[] wasm = program.module();
            for (int max : new int[] {300, 600, 1200}) {
                try {
                    assertSameResults(wasm, 2, max, inputs);
                } catch (AssertionError | RuntimeException e) {
                    throw new AssertionError("seed " + seed + ", limit " + max + ": " + e.getMessage(), e);
                }
            }
        }
    }

    /**
     * Generates a function {@code (i32, i32) -> i32} of random statements: local updates of all four types, memory
     * stores and loads, bulk memory, blocks, if/else, loops bounded by a fuel local, br_if/br_table to blocks,
     * branches to a value block, returns, calls to a second function, dead code after branches. It ends by hashing
     * every local and some memory.
     */
    static final class RandomProgram {
        // locals: 0, 1 params; 2-4 i32; 5-6 i64; 7-8 f32; 9-10 f64; 11 fuel
        private static final int[] LOCALS = {I32, I32, I32, I64, I64, F32, F32, F64, F64, I32};
        private static final int FUEL = 11;
        private final Random random;
        /** Enclosing labels, innermost last: 0 block, 1 loop, 2 value block (i32), 3 if. */
        private final List<Integer> labels = new ArrayList<>();
        private int budget;

        RandomProgram(Random random) {
            this.random = random;
        }

        byte[] module() {
            WasmAssembler asm = new WasmAssembler().withCustomSection();
            int type = asm.type(new int[] {I32, I32}, new int[] {I32});
            Code helper = new Code().get(0).i32(5).op(0x77).get(1).op(0x73); // rotl(a, 5) ^ b
            Code main = new Code();
            main.i32(60).set(FUEL);
            budget = 60 + random.nextInt(120);
            statements(main, 3);
            hash(main);
            asm.function(type, LOCALS, main);
            asm.function(type, new int[0], helper);
            return asm.build();
        }

        private void hash(Code c) {
            c.get(0).get(1).op(0x73).get(2).op(0x6a).get(3).op(0x73).get(4).op(0x6a);
            c.get(5).op(0xa7).op(0x73).get(6).i64(32).op(0x88).op(0xa7).op(0x6a);
            c.get(7).op(0xbc).op(0x73).get(8).op(0xbc).op(0x6a);
            c.get(9).op(0xbd).op(0xa7).op(0x73).get(10).op(0xbd).i64(29).op(0x88).op(0xa7).op(0x6a);
            c.i32(0).op(0x28, 2, 0).op(0x73).i32(0).op(0x28, 2, 64).op(0x6a);
        }

        private void statements(Code c, int depth) {
            int count = 1 + random.nextInt(5);
            for (int i = 0; i < count && budget > 0; i++) {
                statement(c, depth);
            }
        }

        private void statement(Code c, int depth) {
            budget--;
            int kind = random.nextInt(depth > 0 ? 16 : 8);
            switch (kind) {
                case 0, 1 -> {
                    expr(c, 2);
                    c.set(random.nextInt(5));
                }
                case 2 -> {
                    expr(c, 1);
                    c.op(random.nextBoolean() ? 0xac : 0xad).get(5 + random.nextInt(2)).op(0x7c).set(5 + random.nextInt(2));
                }
                case 3 -> {
                    expr(c, 1);
                    c.op(0xb2).get(7 + random.nextInt(2)).op(0x92).set(7 + random.nextInt(2));
                }
                case 4 -> {
                    expr(c, 1);
                    c.op(0xb7).get(9 + random.nextInt(2)).op(0xa0).tee(9 + random.nextInt(2)).op(0x1a);
                }
                case 5 -> { // store
                    expr(c, 1);
                    c.i32(252).op(0x71);
                    expr(c, 1);
                    c.op(0x36, 2, 0);
                }
                case 6 -> { // bulk memory
                    c.i32(random.nextInt(64)).get(random.nextInt(5)).i32(random.nextInt(32)).op(0xfc, 11, 0);
                    c.i32(random.nextInt(64)).i32(random.nextInt(64)).i32(random.nextInt(32)).op(0xfc, 10, 0, 0);
                }
                case 7 -> {
                    expr(c, 1);
                    c.get(random.nextInt(5)).call(1).set(random.nextInt(5));
                }
                case 8, 9 -> {
                    c.block();
                    labels.add(0);
                    statements(c, depth - 1);
                    labels.remove(labels.size() - 1);
                    c.end();
                }
                case 10 -> { // loop with fuel
                    c.loop();
                    labels.add(1);
                    statements(c, depth - 1);
                    fuelCheck(c, 0);
                    labels.remove(labels.size() - 1);
                    c.end();
                }
                case 11 -> {
                    expr(c, 1);
                    c.ifElse();
                    labels.add(3);
                    statements(c, depth - 1);
                    if (random.nextBoolean()) {
                        c.elseOp();
                        statements(c, depth - 1);
                    }
                    labels.remove(labels.size() - 1);
                    c.end();
                }
                case 12 -> branch(c);
                case 13 -> { // value block
                    c.block(I32);
                    labels.add(2);
                    statements(c, depth - 1);
                    if (random.nextBoolean()) {
                        expr(c, 1);
                        c.get(2).brIf(0).op(0x1a);
                    }
                    expr(c, 1);
                    labels.remove(labels.size() - 1);
                    c.end().get(3).op(0x6a).set(3);
                }
                case 14 -> {
                    if (random.nextInt(4) == 0) {
                        expr(c, 1);
                        c.ret();
                        deadCode(c);
                    } else {
                        branch(c);
                    }
                }
                default -> {
                    expr(c, 1);
                    c.op(0xc0).set(random.nextInt(5)); // i32.extend8_s
                }
            }
        }

        private void deadCode(Code c) {
            if (random.nextBoolean()) {
                c.op(0x6a).op(0x1a); // i32.add, drop: valid only because the stack is polymorphic
            }
        }

        private void fuelCheck(Code c, int label) {
            c.get(FUEL).i32(1).op(0x6b).tee(FUEL).i32(0).op(0x4a);
            expr(c, 0);
            c.op(0x71).brIf(label);
        }

        /** A branch to a random enclosing label; loops only through the fuel check. */
        private void branch(Code c) {
            if (labels.isEmpty()) {
                return;
            }
            int depth = random.nextInt(labels.size());
            int kind = labels.get(labels.size() - 1 - depth);
            if (kind == 1) {
                fuelCheck(c, depth);
            } else if (kind == 2) {
                expr(c, 1);
                if (random.nextBoolean()) {
                    c.br(depth);
                    deadCode(c);
                } else {
                    expr(c, 0);
                    c.brIf(depth).op(0x1a);
                }
            } else if (random.nextBoolean()) {
                expr(c, 1);
                c.brIf(depth);
            } else {
                List<Integer> targets = new ArrayList<>();
                for (int d = 0; d < labels.size(); d++) {
                    int k = labels.get(labels.size() - 1 - d);
                    if (k == 0 || k == 3) {
                        targets.add(d);
                    }
                }
                int[] table = new int[1 + random.nextInt(3)];
                for (int i = 0; i < table.length; i++) {
                    table[i] = targets.get(random.nextInt(targets.size()));
                }
                expr(c, 1);
                c.brTable(targets.get(random.nextInt(targets.size())), table);
                deadCode(c);
            }
        }

        private void expr(Code c, int depth) {
            int kind = random.nextInt(depth > 0 ? 9 : 3);
            switch (kind) {
                case 0 -> c.get(random.nextInt(5));
                case 1 -> c.i32(random.nextInt(200) - 50);
                case 2 -> c.get(random.nextInt(5)).i32(random.nextInt(8)).op(0x76); // shr_u
                case 3, 4 -> {
                    expr(c, depth - 1);
                    expr(c, depth - 1);
                    int[] ops = {0x6a, 0x6b, 0x6c, 0x71, 0x72, 0x73, 0x74, 0x77, 0x48, 0x4b};
                    c.op(ops[random.nextInt(ops.length)]);
                }
                case 5 -> c.get(5 + random.nextInt(2)).op(0xa7); // i32.wrap_i64
                case 6 -> c.get(7 + random.nextInt(2)).op(0xfc, 0); // i32.trunc_sat_f32_s
                case 7 -> {
                    expr(c, depth - 1);
                    c.i32(252).op(0x71).op(0x28, 2, 0); // i32.load
                }
                default -> {
                    expr(c, depth - 1);
                    expr(c, depth - 1);
                    expr(c, depth - 1);
                    c.op(0x1b); // select
                }
            }
        }
    }
}
