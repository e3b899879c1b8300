package io.pglite.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Differential: a module shaped like Chicory's output (a machine class calling functions held by {@code FuncGroup}
 * classes, which call each other across classes, with {@code call_N} adapters) gives the same answers after its
 * functions are regrouped, whatever the budget.
 */
class FunctionRegrouperTest {
    private static final String MACHINE = "t/M";
    private static final int FUNCTIONS = 12;
    private static final int PER_GROUP = 5;

    @TempDir
    Path classes;

    @Test
    void regroupedFunctionsGiveTheSameAnswersAndTheLargeClassesAreGone() throws Exception {
        writeModule(classes);
        List<Long> before = answers(classes);

        FunctionRegrouper.Result result = FunctionRegrouper.regroup(classes, 10);

        assertEquals(FUNCTIONS, result.functions());
        assertEquals(List.of("t/MFuncGroup_0", "t/MFuncGroup_10", "t/MFuncGroup_5"), result.removed().stream().sorted().toList());
        assertTrue(result.holders() > 3, result.holders() + " holders for a budget of one or two functions each");
        assertEquals(result.holders(), holders("MFunctions_").size());
        assertEquals(List.of(), holders("MFuncGroup_"));
        assertEquals(before, answers(classes));
    }

    @Test
    void aSecondRunWritesNothingAndAnotherBudgetRegroupsTheRegroupedClasses() throws Exception {
        writeModule(classes);
        List<Long> before = answers(classes);
        FunctionRegrouper.regroup(classes, 10);

        FunctionRegrouper.Result again = FunctionRegrouper.regroup(classes, 10);
        assertEquals(0, again.written());
        assertEquals(List.of(), again.removed());

        FunctionRegrouper.Result coarser = FunctionRegrouper.regroup(classes, 1000);
        assertEquals(1, coarser.holders());
        assertEquals(List.of("t/MFunctions_0"), holders("MFunctions_"));
        assertEquals(before, answers(classes));
    }

    @Test
    void aFreshCompileReplacesHoldersLeftFromAnEarlierOne() throws Exception {
        writeModule(classes);
        FunctionRegrouper.regroup(classes, 10);
        writeModule(classes); // the compiler writes its FuncGroup classes again beside the old holders

        FunctionRegrouper.regroup(classes, 10);

        assertEquals(List.of(), holders("MFuncGroup_"));
        assertEquals(answers(freshModule()), answers(classes));
    }

    @Test
    void everyModuleOfADirectoryIsRegrouped() throws Exception {
        writeModule(classes);
        writeModule(classes, "t/Side");
        List<Long> before = answers(classes);
        List<Long> sideBefore = answers(classes, "t/Side");

        FunctionRegrouper.Result result = FunctionRegrouper.regroup(classes, 10);

        assertEquals(2, result.modules());
        assertEquals(2 * FUNCTIONS, result.functions());
        assertEquals(List.of(), holders("MFuncGroup_"));
        assertEquals(List.of(), holders("SideFuncGroup_"));
        assertTrue(holders("SideFunctions_").size() > 3, holders("SideFunctions_").toString());
        assertEquals(before, answers(classes));
        assertEquals(sideBefore, answers(classes, "t/Side"));
    }

    @Test
    void aHolderWithAMethodOfAnotherShapeIsRefused() throws Exception {
        writeModule(classes);
        ClassWriter holder = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
        holder.visit(Opcodes.V11, Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, "t/MFuncGroup_20", null, "java/lang/Object", null);
        MethodVisitor helper = holder.visitMethod(Opcodes.ACC_STATIC, "helper", "()V", null, null);
        helper.visitCode();
        helper.visitInsn(Opcodes.RETURN);
        helper.visitMaxs(0, 0);
        helper.visitEnd();
        Files.write(classes.resolve("t/MFuncGroup_20.class"), holder.toByteArray());

        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> FunctionRegrouper.regroup(classes, 10));
        assertTrue(refused.getMessage().contains("t/MFuncGroup_20.helper"), refused.getMessage());
        assertTrue(Files.exists(classes.resolve("t/MFuncGroup_0.class")), "nothing was rewritten");
    }

    private Path freshModule() throws IOException {
        Path fresh = Files.createTempDirectory(classes.getParent(), "fresh");
        writeModule(fresh);
        return fresh;
    }

    private List<String> holders(String prefix) throws IOException {
        try (Stream<Path> files = Files.list(classes.resolve("t"))) {
            return files.map(file -> "t/" + file.getFileName().toString().replace(".class", ""))
                    .filter(name -> name.startsWith("t/" + prefix)).sorted().toList();
        }
    }

    /** {@code M.run(x)} and every {@code call_N}, through a class loader of their own. */
    private static List<Long> answers(Path directory) throws Exception {
        return answers(directory, MACHINE);
    }

    private static List<Long> answers(Path directory, String machineName) throws Exception {
        List<Long> answers = new ArrayList<>();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {directory.toUri().toURL()}, null)) {
            Class<?> machine = loader.loadClass(machineName.replace('/', '.'));
            for (int x = 0; x < 30; x++) {
                answers.add((long) (int) machine.getMethod("run", int.class).invoke(null, x));
            }
            for (int i = 0; i < FUNCTIONS; i++) {
                answers.add(((long[]) machine.getMethod("dispatch", int.class, long[].class)
                        .invoke(null, i, new long[] {i + 3}))[0]);
            }
        }
        return answers;
    }

    /**
     * {@code func_i(x)}: {@code i} when {@code x <= 0}, else {@code func_((i * 5 + 1) % 12)(x - 1) * 3 + i}, so that
     * calls cross classes; {@code call_i} boxes it as Chicory's adapters do. {@code M.run} calls {@code func_0} and
     * {@code func_7}; {@code M.dispatch(i, args)} calls {@code call_i}.
     */
    private static void writeModule(Path directory) throws IOException {
        writeModule(directory, MACHINE);
    }

    private static void writeModule(Path directory, String machineName) throws IOException {
        Files.createDirectories(directory.resolve("t"));
        for (int first = 0; first < FUNCTIONS; first += PER_GROUP) {
            ClassWriter group = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
            group.visit(Opcodes.V11, Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, machineName + "FuncGroup_" + first, null,
                    "java/lang/Object", null);
            for (int i = first; i < Math.min(first + PER_GROUP, FUNCTIONS); i++) {
                if (i % 4 != 3) { // not every function has an adapter
                    MethodVisitor call = group.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "call_" + i, "([J)[J", null, null);
                    call.visitCode();
                    call.visitInsn(Opcodes.ICONST_1);
                    call.visitIntInsn(Opcodes.NEWARRAY, Opcodes.T_LONG);
                    call.visitInsn(Opcodes.DUP);
                    call.visitInsn(Opcodes.ICONST_0);
                    call.visitVarInsn(Opcodes.ALOAD, 0);
                    call.visitInsn(Opcodes.ICONST_0);
                    call.visitInsn(Opcodes.LALOAD);
                    call.visitInsn(Opcodes.L2I);
                    call.visitMethodInsn(Opcodes.INVOKESTATIC, owner(machineName, i), "func_" + i, "(I)I", false);
                    call.visitInsn(Opcodes.I2L);
                    call.visitInsn(Opcodes.LASTORE);
                    call.visitInsn(Opcodes.ARETURN);
                    call.visitMaxs(0, 0);
                    call.visitEnd();
                }
                MethodVisitor func = group.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "func_" + i, "(I)I", null, null);
                func.visitCode();
                Label recurse = new Label();
                func.visitVarInsn(Opcodes.ILOAD, 0);
                func.visitJumpInsn(Opcodes.IFGT, recurse);
                func.visitIntInsn(Opcodes.BIPUSH, i);
                func.visitInsn(Opcodes.IRETURN);
                func.visitLabel(recurse);
                func.visitVarInsn(Opcodes.ILOAD, 0);
                func.visitInsn(Opcodes.ICONST_1);
                func.visitInsn(Opcodes.ISUB);
                int next = (i * 5 + 1) % FUNCTIONS;
                func.visitMethodInsn(Opcodes.INVOKESTATIC, owner(machineName, next), "func_" + next, "(I)I", false);
                func.visitInsn(Opcodes.ICONST_3);
                func.visitInsn(Opcodes.IMUL);
                func.visitIntInsn(Opcodes.BIPUSH, i);
                func.visitInsn(Opcodes.IADD);
                func.visitInsn(Opcodes.IRETURN);
                func.visitMaxs(0, 0);
                func.visitEnd();
            }
            Files.write(directory.resolve(machineName + "FuncGroup_" + first + ".class"), group.toByteArray());
        }
        Files.write(directory.resolve(machineName + ".class"), machineClass(machineName));
    }

    private static byte[] machineClass(String machineName) {
        ClassWriter machine = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
        machine.visit(Opcodes.V11, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, machineName, null, "java/lang/Object", null);
        MethodVisitor run = machine.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "run", "(I)I", null, null);
        run.visitCode();
        run.visitVarInsn(Opcodes.ILOAD, 0);
        run.visitMethodInsn(Opcodes.INVOKESTATIC, owner(machineName, 0), "func_0", "(I)I", false);
        run.visitVarInsn(Opcodes.ILOAD, 0);
        run.visitMethodInsn(Opcodes.INVOKESTATIC, owner(machineName, 7), "func_7", "(I)I", false);
        run.visitInsn(Opcodes.IXOR);
        run.visitInsn(Opcodes.IRETURN);
        run.visitMaxs(0, 0);
        run.visitEnd();
        MethodVisitor dispatch = machine.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "dispatch", "(I[J)[J", null, null);
        dispatch.visitCode();
        Label[] cases = new Label[FUNCTIONS];
        for (int i = 0; i < FUNCTIONS; i++) {
            cases[i] = new Label();
        }
        Label other = new Label();
        dispatch.visitVarInsn(Opcodes.ILOAD, 0);
        dispatch.visitTableSwitchInsn(0, FUNCTIONS - 1, other, cases);
        for (int i = 0; i < FUNCTIONS; i++) {
            dispatch.visitLabel(cases[i]);
            if (i % 4 != 3) {
                dispatch.visitVarInsn(Opcodes.ALOAD, 1);
                dispatch.visitMethodInsn(Opcodes.INVOKESTATIC, owner(machineName, i), "call_" + i, "([J)[J", false);
                dispatch.visitInsn(Opcodes.ARETURN);
            } else {
                dispatch.visitJumpInsn(Opcodes.GOTO, other);
            }
        }
        dispatch.visitLabel(other);
        dispatch.visitInsn(Opcodes.ICONST_1);
        dispatch.visitIntInsn(Opcodes.NEWARRAY, Opcodes.T_LONG);
        dispatch.visitInsn(Opcodes.ARETURN);
        dispatch.visitMaxs(0, 0);
        dispatch.visitEnd();
        return machine.toByteArray();
    }

    private static String owner(String machineName, int function) {
        return machineName + "FuncGroup_" + function / PER_GROUP * PER_GROUP;
    }
}
