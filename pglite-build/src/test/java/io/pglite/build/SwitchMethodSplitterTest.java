package io.pglite.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.LookupSwitchInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;

/**
 * Differential: a class shaped like Chicory's dispatch classes (parameter loads, a switch on the last one, a call
 * per case, a throwing default) answers every key, present or not, the same before and after the split.
 */
class SwitchMethodSplitterTest {
    private static final String NAME = "test/Dispatch";
    private static final int PER_PART = 16;

    @Test
    void sparseLookupSwitchGivesTheSameAnswersAfterTheSplit() throws Exception {
        List<Integer> keys = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            keys.add(i * 7 - 40); // negative keys too
        }
        assertSameAnswers(dispatchClass(keys, false), keys, -60, 700);
    }

    @Test
    void denseTableSwitchWithSharedTargetsGivesTheSameAnswersAfterTheSplit() throws Exception {
        List<Integer> keys = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            keys.add(i);
        }
        assertSameAnswers(dispatchClass(keys, true), keys, -3, 95);
    }

    @Test
    void aSwitchWithinTheLimitAndOtherShapesAreLeftAlone() {
        byte[] small = dispatchClass(List.of(1, 2, 3), false);
        assertSame(small, SwitchMethodSplitter.split(small, PER_PART));
        byte[] once = SwitchMethodSplitter.split(dispatchClass(rangeKeys(50), false), PER_PART);
        assertSame(once, SwitchMethodSplitter.split(once, PER_PART), "a split class is split no further");
    }

    private static List<Integer> rangeKeys(int count) {
        List<Integer> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            keys.add(i);
        }
        return keys;
    }

    private static void assertSameAnswers(byte[] original, List<Integer> keys, int from, int to) throws Exception {
        byte[] split = SwitchMethodSplitter.split(original, PER_PART);
        assertNotSame(original, split);
        assertEquals(List.of(), switchesOver(split, PER_PART), "switches left over " + PER_PART + " cases");
        IntFunction<Object> before = answers(original);
        IntFunction<Object> after = answers(split);
        int present = 0;
        for (int key = from; key <= to; key++) {
            assertEquals(before.apply(key), after.apply(key), "key " + key);
            present += keys.contains(key) ? 1 : 0;
        }
        assertEquals(keys.size(), present, "every case was tried");
    }

    /** Calls {@code apply(5, key)} of the class: its result, or the class of what it threw. */
    private static IntFunction<Object> answers(byte[] classFile) throws Exception {
        Class<?> type = new ClassLoader(SwitchMethodSplitterTest.class.getClassLoader()) {
            Class<?> define() {
                return defineClass(NAME.replace('/', '.'), classFile, 0, classFile.length);
            }
        }.define();
        Method apply = type.getMethod("apply", long.class, Object.class, int.class);
        return key -> {
            try {
                return apply.invoke(null, 5L, "x", key);
            } catch (InvocationTargetException e) {
                return e.getCause().getClass();
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        };
    }

    /** Names of the methods whose switch has more than {@code limit} cases. */
    private static List<String> switchesOver(byte[] classFile, int limit) {
        ClassNode node = new ClassNode();
        new ClassReader(classFile).accept(node, 0);
        List<String> over = new ArrayList<>();
        for (MethodNode method : node.methods) {
            for (AbstractInsnNode insn : method.instructions) {
                int cases = insn instanceof LookupSwitchInsnNode lookup ? lookup.keys.size()
                        : insn instanceof TableSwitchInsnNode table ? table.labels.size() : 0;
                if (cases > limit) {
                    over.add(method.name);
                }
            }
        }
        return over;
    }

    /**
     * {@code static long apply(long a, Object o, int key)}: per key k, {@code target_k(a, o)} = a * 1000 + k + the
     * length of o's string; with {@code dense}, a tableswitch over 0..max where every third key shares the next
     * key's target; a missing key throws IllegalArgumentException.
     */
    private static byte[] dispatchClass(List<Integer> keys, boolean dense) {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
        writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL, NAME, null, "java/lang/Object", null);
        for (int key : keys) {
            MethodVisitor target = writer.visitMethod(Opcodes.ACC_STATIC, target(key), "(JLjava/lang/Object;)J", null, null);
            target.visitCode();
            target.visitVarInsn(Opcodes.LLOAD, 0);
            target.visitLdcInsn(1000L);
            target.visitInsn(Opcodes.LMUL);
            target.visitLdcInsn((long) key);
            target.visitInsn(Opcodes.LADD);
            target.visitVarInsn(Opcodes.ALOAD, 2);
            target.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/Object", "toString", "()Ljava/lang/String;", false);
            target.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/String", "length", "()I", false);
            target.visitInsn(Opcodes.I2L);
            target.visitInsn(Opcodes.LADD);
            target.visitInsn(Opcodes.LRETURN);
            target.visitMaxs(0, 0);
            target.visitEnd();
        }
        MethodVisitor apply = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "apply", "(JLjava/lang/Object;I)J",
                null, null);
        apply.visitCode();
        apply.visitVarInsn(Opcodes.LLOAD, 0);
        apply.visitVarInsn(Opcodes.ALOAD, 2);
        apply.visitVarInsn(Opcodes.ILOAD, 3);
        Label missing = new Label();
        Label[] labels = new Label[keys.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = dense && i % 3 == 0 && i + 1 < labels.length ? null : new Label();
        }
        for (int i = labels.length - 1; i >= 0; i--) {
            if (labels[i] == null) {
                labels[i] = labels[i + 1]; // shares the next key's target
            }
        }
        if (dense) {
            apply.visitTableSwitchInsn(keys.get(0), keys.get(keys.size() - 1), missing, labels);
        } else {
            apply.visitLookupSwitchInsn(missing, keys.stream().mapToInt(Integer::intValue).toArray(), labels);
        }
        Label previous = null;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == previous) {
                continue;
            }
            previous = labels[i];
            apply.visitLabel(labels[i]);
            apply.visitMethodInsn(Opcodes.INVOKESTATIC, NAME, target(keys.get(i)), "(JLjava/lang/Object;)J", false);
            apply.visitInsn(Opcodes.LRETURN);
            if (!dense) {
                apply.visitInsn(Opcodes.ATHROW); // unreachable, as Chicory leaves after each case's return
            }
        }
        apply.visitLabel(missing);
        apply.visitTypeInsn(Opcodes.NEW, "java/lang/IllegalArgumentException");
        apply.visitInsn(Opcodes.DUP);
        apply.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/IllegalArgumentException", "<init>", "()V", false);
        apply.visitInsn(Opcodes.ATHROW);
        apply.visitMaxs(0, 0);
        apply.visitEnd();
        writer.visitEnd();
        return writer.toByteArray();
    }

    private static String target(int key) {
        return "target_" + (key < 0 ? "m" + -key : String.valueOf(key));
    }
}
