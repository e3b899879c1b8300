package io.pglite.build;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.IntInsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * Rewrites the wasm comparisons in classes Chicory compiled so that no comparison result is a 0 or 1
 * merged from two branches. Chicory calls {@code OpcodeImpl.I32_LT_S(a, b)}, which returns
 * {@code a < b ? 1 : 0}, and tests the result with {@code ifeq}. Where HotSpot's C2 folds two such
 * tests into one and later deoptimizes at the folded trap, the interpreter resumes with the wrong
 * 0/1 and takes the wrong branch (JDK-8376400, open in every JDK we support): PostgreSQL's
 * {@code heap_form_tuple} raised "number of columns (0) exceeds limit" for a tuple of no columns.
 *
 * <p>A comparison a branch tests at once becomes one compare-and-branch instruction; any other
 * becomes a call to {@value #HELPER}, whose methods compute the 0/1 without a branch. Float
 * comparisons are only fused: their value form keeps Chicory's method. Rewriting is idempotent.
 *
 * <p>Options: {@code --classes DIR --version V} rewrites every class under DIR and writes the helper
 * class there; {@code V} must be {@link #VERSION}.
 */
public final class ComparisonRewriter {
    /** Part of the AOT stamp's key: a change here must recompile. */
    public static final String VERSION = "1";
    static final String OPCODES = "com/dylibso/chicory/runtime/OpcodeImpl";
    static final String HELPER = "io/pglite/wasm/Comparisons";

    private enum Kind { I32, I32_UNSIGNED, I64, I64_UNSIGNED, I32_ZERO, I64_ZERO, F32, F64 }

    private enum Relation {
        EQ(Opcodes.IFEQ, Opcodes.IF_ICMPEQ), NE(Opcodes.IFNE, Opcodes.IF_ICMPNE), LT(Opcodes.IFLT, Opcodes.IF_ICMPLT),
        GT(Opcodes.IFGT, Opcodes.IF_ICMPGT), LE(Opcodes.IFLE, Opcodes.IF_ICMPLE), GE(Opcodes.IFGE, Opcodes.IF_ICMPGE);

        final int ifZero;
        final int ifCompare;

        Relation(int ifZero, int ifCompare) {
            this.ifZero = ifZero;
            this.ifCompare = ifCompare;
        }

        Relation negated() {
            return switch (this) {
                case EQ -> NE;
                case NE -> EQ;
                case LT -> GE;
                case GE -> LT;
                case GT -> LE;
                case LE -> GT;
            };
        }
    }

    private record Comparison(String name, Kind kind, Relation relation) {
        String descriptor() {
            return switch (kind) {
                case I32, I32_UNSIGNED -> "(II)I";
                case I64, I64_UNSIGNED -> "(JJ)I";
                case I32_ZERO -> "(I)I";
                case I64_ZERO -> "(J)I";
                case F32 -> "(FF)I";
                case F64 -> "(DD)I";
            };
        }

        boolean integral() {
            return kind != Kind.F32 && kind != Kind.F64;
        }
    }

    private static final Map<String, Comparison> COMPARISONS = comparisons();

    private ComparisonRewriter() {
    }

    public static void main(String[] args) throws IOException {
        Args options = Args.parse(args);
        if (!VERSION.equals(options.string("version"))) {
            throw new IllegalArgumentException("--version " + options.string("version") + " (expected: " + VERSION
                    + "): update pglite.comparisons.version in pglite-wasm/pom.xml, which recompiles");
        }
        Path classes = options.path("classes");
        BuildFiles.Rewritten rewritten = BuildFiles.rewriteClasses(classes, ComparisonRewriter::rewrite);
        boolean helperWritten = BuildFiles.writeIfChanged(classes.resolve(HELPER + ".class"), helperClass());
        System.out.printf("[ComparisonRewriter] %d of %d classes rewritten, helper %s%n", rewritten.changed(), rewritten.classes(),
                helperWritten ? "written" : "unchanged");
    }

    /** The class with its comparisons rewritten, or {@code classFile} itself when it has none. */
    public static byte[] rewrite(byte[] classFile) {
        ClassNode node = new ClassNode();
        new ClassReader(classFile).accept(node, 0);
        boolean changed = false;
        for (MethodNode method : node.methods) {
            changed |= rewrite(method.instructions);
        }
        if (!changed) {
            return classFile;
        }
        // control flow and locals are unchanged, so the frames read stay valid; only max stack grows
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        node.accept(writer);
        return writer.toByteArray();
    }

    private static boolean rewrite(InsnList instructions) {
        boolean changed = false;
        for (AbstractInsnNode insn = instructions.getFirst(); insn != null; ) {
            AbstractInsnNode next = insn.getNext();
            Comparison comparison = comparisonCalled(insn);
            if (comparison != null) {
                if (next instanceof JumpInsnNode jump && (jump.getOpcode() == Opcodes.IFEQ || jump.getOpcode() == Opcodes.IFNE)) {
                    InsnList branch = new InsnList();
                    branch(branch, comparison, jump.getOpcode() == Opcodes.IFNE, jump);
                    AbstractInsnNode after = jump.getNext();
                    instructions.insertBefore(insn, branch);
                    instructions.remove(insn);
                    instructions.remove(jump);
                    next = after;
                    changed = true;
                } else if (comparison.integral()) {
                    instructions.set(insn, new MethodInsnNode(Opcodes.INVOKESTATIC, HELPER, comparison.name,
                            comparison.descriptor(), false));
                    changed = true;
                }
            }
            insn = next;
        }
        return changed;
    }

    private static Comparison comparisonCalled(AbstractInsnNode insn) {
        if (insn instanceof MethodInsnNode call && call.getOpcode() == Opcodes.INVOKESTATIC && call.owner.equals(OPCODES)) {
            Comparison comparison = COMPARISONS.get(call.name);
            return comparison != null && comparison.descriptor().equals(call.desc) ? comparison : null;
        }
        return null;
    }

    /** Replaces the call and its {@code ifeq}/{@code ifne}: jumps to the jump's label when the comparison is {@code whenTrue}. */
    private static void branch(InsnList out, Comparison comparison, boolean whenTrue, JumpInsnNode jump) {
        Relation relation = whenTrue ? comparison.relation : comparison.relation.negated();
        switch (comparison.kind) {
            case I32, I32_UNSIGNED -> {
                if (comparison.kind == Kind.I32_UNSIGNED) {
                    biasBothInts(out);
                }
                out.add(new JumpInsnNode(relation.ifCompare, jump.label));
                return;
            }
            case I64, I64_UNSIGNED -> {
                if (comparison.kind == Kind.I64_UNSIGNED) {
                    biasBothLongs(out);
                }
                out.add(new InsnNode(Opcodes.LCMP));
            }
            case I32_ZERO -> {
            }
            case I64_ZERO -> {
                out.add(new InsnNode(Opcodes.LCONST_0));
                out.add(new InsnNode(Opcodes.LCMP));
            }
            case F32, F64 -> {
                // NaN must make LT/LE/GT/GE/EQ false and NE true: fcmpg gives 1 for NaN, fcmpl -1
                boolean greaterOnNaN = comparison.relation == Relation.LT || comparison.relation == Relation.LE;
                out.add(new InsnNode(comparison.kind == Kind.F32
                        ? (greaterOnNaN ? Opcodes.FCMPG : Opcodes.FCMPL)
                        : (greaterOnNaN ? Opcodes.DCMPG : Opcodes.DCMPL)));
            }
        }
        out.add(new JumpInsnNode(relation.ifZero, jump.label));
    }

    /** The branch-free 0/1 value of an integral comparison of the operands on the stack. */
    private static void value(InsnList out, Comparison comparison) {
        Relation relation = comparison.relation;
        switch (comparison.kind) {
            case I32, I32_UNSIGNED -> {
                if (relation == Relation.EQ || relation == Relation.NE) {
                    out.add(new InsnNode(Opcodes.IXOR));
                    isZeroInt(out);
                } else {
                    // widened to long, a - b cannot overflow: its sign is a < b
                    widen(out, comparison.kind == Kind.I32_UNSIGNED);
                    out.add(new InsnNode(Opcodes.DUP2_X1));
                    out.add(new InsnNode(Opcodes.POP2));
                    widen(out, comparison.kind == Kind.I32_UNSIGNED);
                    out.add(new InsnNode(Opcodes.DUP2_X2));
                    out.add(new InsnNode(Opcodes.POP2));
                    out.add(new InsnNode(Opcodes.LSUB));
                    if (relation == Relation.GT || relation == Relation.LE) {
                        out.add(new InsnNode(Opcodes.LNEG));
                    }
                    out.add(new IntInsnNode(Opcodes.BIPUSH, 63));
                    out.add(new InsnNode(Opcodes.LUSHR));
                    out.add(new InsnNode(Opcodes.L2I));
                }
            }
            case I64, I64_UNSIGNED -> {
                if (comparison.kind == Kind.I64_UNSIGNED) {
                    biasBothLongs(out);
                }
                out.add(new InsnNode(Opcodes.LCMP)); // -1, 0 or 1, one node for C2, not a merge of branches
                if (relation == Relation.EQ || relation == Relation.NE) {
                    isZeroInt(out);
                } else {
                    if (relation == Relation.GT || relation == Relation.LE) {
                        out.add(new InsnNode(Opcodes.INEG));
                    }
                    out.add(new IntInsnNode(Opcodes.BIPUSH, 31));
                    out.add(new InsnNode(Opcodes.IUSHR));
                }
            }
            case I32_ZERO -> isZeroInt(out);
            case I64_ZERO -> {
                out.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "java/lang/Long", "numberOfLeadingZeros", "(J)I", false));
                out.add(new IntInsnNode(Opcodes.BIPUSH, 6));
                out.add(new InsnNode(Opcodes.IUSHR));
            }
            default -> throw new IllegalArgumentException(comparison.name + " has no branch-free form here");
        }
        if (relation == Relation.NE || relation == Relation.GE || relation == Relation.LE) {
            out.add(new InsnNode(Opcodes.ICONST_1));
            out.add(new InsnNode(Opcodes.IXOR));
        }
    }

    /** 1 if the int on the stack is 0, else 0: only 0 has 32 leading zeros. */
    private static void isZeroInt(InsnList out) {
        out.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "java/lang/Integer", "numberOfLeadingZeros", "(I)I", false));
        out.add(new InsnNode(Opcodes.ICONST_5));
        out.add(new InsnNode(Opcodes.IUSHR));
    }

    private static void widen(InsnList out, boolean unsigned) {
        out.add(new InsnNode(Opcodes.I2L));
        if (unsigned) {
            out.add(new LdcInsnNode(0xFFFFFFFFL));
            out.add(new InsnNode(Opcodes.LAND));
        }
    }

    /** Flips the sign bit of both ints, so that signed order is the unsigned order. */
    private static void biasBothInts(InsnList out) {
        for (int i = 0; i < 2; i++) {
            out.add(new LdcInsnNode(Integer.MIN_VALUE));
            out.add(new InsnNode(Opcodes.IXOR));
            out.add(new InsnNode(Opcodes.SWAP));
        }
    }

    private static void biasBothLongs(InsnList out) {
        for (int i = 0; i < 2; i++) {
            out.add(new LdcInsnNode(Long.MIN_VALUE));
            out.add(new InsnNode(Opcodes.LXOR));
            out.add(new InsnNode(Opcodes.DUP2_X2)); // swaps the two longs
            out.add(new InsnNode(Opcodes.POP2));
        }
    }

    /** The helper class: one static method per integral comparison, named and typed as in OpcodeImpl. */
    static byte[] helperClass() {
        ClassNode node = new ClassNode();
        node.version = Opcodes.V17;
        node.access = Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER;
        node.name = HELPER;
        node.superName = "java/lang/Object";
        for (Comparison comparison : COMPARISONS.values()) {
            if (!comparison.integral()) {
                continue;
            }
            MethodNode method = new MethodNode(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, comparison.name,
                    comparison.descriptor(), null, null);
            int slot = 0;
            for (Type argument : Type.getArgumentTypes(comparison.descriptor())) {
                method.instructions.add(new VarInsnNode(argument.getOpcode(Opcodes.ILOAD), slot));
                slot += argument.getSize();
            }
            value(method.instructions, comparison);
            method.instructions.add(new InsnNode(Opcodes.IRETURN));
            node.methods.add(method);
        }
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS | ClassWriter.COMPUTE_FRAMES);
        node.accept(writer);
        return writer.toByteArray();
    }

    private static Map<String, Comparison> comparisons() {
        Map<String, Comparison> all = new TreeMap<>();
        for (Relation relation : Relation.values()) {
            boolean ordered = relation != Relation.EQ && relation != Relation.NE;
            if (ordered) {
                add(all, "I32_" + relation + "_S", Kind.I32, relation);
                add(all, "I32_" + relation + "_U", Kind.I32_UNSIGNED, relation);
                add(all, "I64_" + relation + "_S", Kind.I64, relation);
                add(all, "I64_" + relation + "_U", Kind.I64_UNSIGNED, relation);
            } else {
                add(all, "I32_" + relation, Kind.I32, relation);
                add(all, "I64_" + relation, Kind.I64, relation);
            }
            add(all, "F32_" + relation, Kind.F32, relation);
            add(all, "F64_" + relation, Kind.F64, relation);
        }
        add(all, "I32_EQZ", Kind.I32_ZERO, Relation.EQ);
        add(all, "I64_EQZ", Kind.I64_ZERO, Relation.EQ);
        return Map.copyOf(all);
    }

    private static void add(Map<String, Comparison> all, String name, Kind kind, Relation relation) {
        all.put(name, new Comparison(name, kind, relation));
    }
}
