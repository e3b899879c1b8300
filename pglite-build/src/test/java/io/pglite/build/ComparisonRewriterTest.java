package io.pglite.build;

import static io.pglite.build.WasmAssembler.F32;
import static io.pglite.build.WasmAssembler.F64;
import static io.pglite.build.WasmAssembler.I32;
import static io.pglite.build.WasmAssembler.I64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.internal.Compiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodInsnNode;

/**
 * Every wasm comparison, tested by an {@code if}, a {@code br_if}, a {@code select} and used as a
 * value, compiled by Chicory and rewritten, against Chicory's interpreter on edge values.
 */
class ComparisonRewriterTest {
    private static final String MACHINE = "io.pglite.test.ComparisonsMachine";

    /** Opcode, operand type (0 for a one-operand test against zero), name. */
    private static final Object[][] COMPARISONS = {
        {0x45, I32, "i32.eqz"}, {0x46, I32, "i32.eq"}, {0x47, I32, "i32.ne"}, {0x48, I32, "i32.lt_s"},
        {0x49, I32, "i32.lt_u"}, {0x4a, I32, "i32.gt_s"}, {0x4b, I32, "i32.gt_u"}, {0x4c, I32, "i32.le_s"},
        {0x4d, I32, "i32.le_u"}, {0x4e, I32, "i32.ge_s"}, {0x4f, I32, "i32.ge_u"},
        {0x50, I64, "i64.eqz"}, {0x51, I64, "i64.eq"}, {0x52, I64, "i64.ne"}, {0x53, I64, "i64.lt_s"},
        {0x54, I64, "i64.lt_u"}, {0x55, I64, "i64.gt_s"}, {0x56, I64, "i64.gt_u"}, {0x57, I64, "i64.le_s"},
        {0x58, I64, "i64.le_u"}, {0x59, I64, "i64.ge_s"}, {0x5a, I64, "i64.ge_u"},
        {0x5b, F32, "f32.eq"}, {0x5c, F32, "f32.ne"}, {0x5d, F32, "f32.lt"}, {0x5e, F32, "f32.gt"},
        {0x5f, F32, "f32.le"}, {0x60, F32, "f32.ge"},
        {0x61, F64, "f64.eq"}, {0x62, F64, "f64.ne"}, {0x63, F64, "f64.lt"}, {0x64, F64, "f64.gt"},
        {0x65, F64, "f64.le"}, {0x66, F64, "f64.ge"},
    };

    @Test
    void compiledAndRewrittenComparisonsAnswerAsTheInterpreterDoes() throws Throwable {
        byte[] wasm = module();
        WasmModule module = Parser.parse(wasm);
        Instance interpreted = Instance.builder(module).build();
        Instance rewritten = Instance.builder(module).withMachineFactory(rewrittenMachine(module)).build();
        int checked = 0;
        for (int f = 0; f < COMPARISONS.length; f++) {
            int type = (int) COMPARISONS[f][1];
            for (long a : edgeValues(type)) {
                for (long b : edgeValues(type)) {
                    long expected = interpreted.export("f" + f).apply(a, b)[0];
                    assertEquals(expected, rewritten.export("f" + f).apply(a, b)[0],
                            COMPARISONS[f][2] + " of " + a + " and " + b);
                    checked++;
                }
            }
        }
        assertTrue(checked > 1000, "checked " + checked);
    }

    @Test
    void noComparisonMethodIsCalledAfterwardsAndRewritingTwiceChangesNothing() {
        Map<String, byte[]> classes = compile(Parser.parse(module()));
        int calls = 0;
        for (byte[] original : classes.values()) {
            byte[] once = ComparisonRewriter.rewrite(original);
            assertSame(once, ComparisonRewriter.rewrite(once));
            for (MethodInsnNode call : calls(once)) {
                assertFalse(call.owner.equals(ComparisonRewriter.OPCODES)
                        && call.name.matches("I(32|64)_(EQZ|EQ|NE|[LG][TE]_[SU])"), "still calls " + call.name);
                calls += call.owner.equals(ComparisonRewriter.HELPER) ? 1 : 0;
            }
        }
        assertTrue(calls > 0, "the value form goes through the helper");
    }

    /**
     * {@code f<i>(a, b)}: {@code (if cmp 1000 2000) + (br_if on cmp: 300 else 400) + select(10, 20, cmp) + cmp},
     * so that a wrong branch or a wrong 0/1 changes the answer.
     */
    private static byte[] module() {
        WasmAssembler asm = new WasmAssembler();
        for (Object[] comparison : COMPARISONS) {
            int operand = (int) comparison[1];
            int opcode = (int) comparison[0];
            int type = asm.type(new int[] {operand, operand}, new int[] {I32});
            boolean unary = ((String) comparison[2]).endsWith("eqz");
            WasmAssembler.Code body = new WasmAssembler.Code();
            compare(body, opcode, unary).op(0x04, I32).i32(1000).elseOp().i32(2000).end();
            body.block(I32).i32(300);
            compare(body, opcode, unary).brIf(0).op(0x1a).i32(400).end().op(0x6a);
            body.i32(10).i32(20);
            compare(body, opcode, unary).op(0x1b).op(0x6a);
            compare(body, opcode, unary).op(0x6a);
            asm.function(type, new int[0], body);
        }
        return asm.build();
    }

    private static WasmAssembler.Code compare(WasmAssembler.Code body, int opcode, boolean unary) {
        body.get(0);
        if (!unary) {
            body.get(1);
        }
        return body.op(opcode);
    }

    private static long[] edgeValues(int type) {
        if (type == I32) {
            return new long[] {0, 1, -1, 2, -2, Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE + 1, 1664, 1665};
        }
        if (type == I64) {
            return new long[] {0, 1, -1, 2, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1, 1L << 32, 0xFFFFFFFFL};
        }
        double[] doubles = {0.0, -0.0, 1.0, -1.0, 1.5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        long[] bits = new long[doubles.length];
        for (int i = 0; i < doubles.length; i++) {
            bits[i] = type == F32 ? Float.floatToRawIntBits((float) doubles[i]) : Double.doubleToRawLongBits(doubles[i]);
        }
        return bits;
    }

    private static Map<String, byte[]> compile(WasmModule module) {
        return Compiler.builder(module).withClassName(MACHINE).withInterpreterFallback(InterpreterFallback.FAIL)
                .build().compile().classBytes();
    }

    /** A machine factory over Chicory's classes after the rewrite, with the helper class beside them. */
    private static java.util.function.Function<Instance, Machine> rewrittenMachine(WasmModule module) throws Exception {
        Map<String, byte[]> classes = new HashMap<>();
        compile(module).forEach((name, bytes) -> classes.put(name.replace('/', '.'), ComparisonRewriter.rewrite(bytes)));
        classes.put(ComparisonRewriter.HELPER.replace('/', '.'), ComparisonRewriter.helperClass());
        ClassLoader loader = new ClassLoader(ComparisonRewriterTest.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                byte[] bytes = classes.get(name);
                if (bytes == null) {
                    throw new ClassNotFoundException(name);
                }
                return defineClass(name, bytes, 0, bytes.length);
            }
        };
        var constructor = MethodHandles.publicLookup().findConstructor(Class.forName(MACHINE, true, loader),
                MethodType.methodType(void.class, Instance.class));
        return instance -> {
            try {
                return (Machine) constructor.invoke(instance);
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        };
    }

    private static List<MethodInsnNode> calls(byte[] classFile) {
        ClassNode node = new ClassNode();
        new ClassReader(classFile).accept(node, 0);
        List<MethodInsnNode> calls = new ArrayList<>();
        node.methods.forEach(method -> method.instructions.forEach(insn -> {
            if (insn instanceof MethodInsnNode call) {
                calls.add(call);
            }
        }));
        return calls;
    }
}
