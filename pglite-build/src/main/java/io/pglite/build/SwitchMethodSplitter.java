package io.pglite.build;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
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
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.LookupSwitchInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * Splits a static method that is one large switch into parts small enough for HotSpot's JIT. Chicory's AOT
 * compiler emits its dispatch methods that way: {@code Indirect_T_C.apply} for {@code call_indirect} and
 * {@code Dispatch_C.call_dispatch_C} for calls from the host (Emscripten's {@code invoke_*} trampolines among them)
 * load their parameters, switch on the last one, and call one function per case. With hundreds of functions per
 * signature they grow past the 8,000 bytes of bytecode HotSpot compiles by default, so they stay interpreted for
 * good: about a fifth of the engine thread's samples in a select-only run.
 *
 * <p>Such a method keeps its name and descriptor and becomes a chain of range checks on the key that calls one
 * of its parts: copies of the method, each with the cases of one contiguous range of keys and the same default.
 * A method of any other shape is left alone, and so is a class without one, so the pass can run on every build.
 * Not handled yet: the {@code call_indirect_N} methods of the machine class that switch inline, after computing
 * the target from the table (two of them are over the limit), and side modules' classes.
 */
public final class SwitchMethodSplitter {
    /** Cases per part: a part's switch and calls then take about 5 KB of bytecode at most. */
    static final int CASES_PER_PART = 400;

    private SwitchMethodSplitter() {
    }

    public static void main(String[] args) throws IOException {
        BuildFiles.Rewritten split = BuildFiles.rewriteClasses(Args.parse(args).path("classes"), c -> split(c, CASES_PER_PART));
        System.out.printf("[SwitchMethodSplitter] %d of %d classes had switch methods split%n", split.changed(), split.classes());
    }

    /** The class with its large switch methods split, or {@code classFile} itself when it has none. */
    static byte[] split(byte[] classFile, int casesPerPart) {
        ClassNode node = new ClassNode();
        new ClassReader(classFile).accept(node, ClassReader.SKIP_FRAMES);
        List<MethodNode> parts = new ArrayList<>();
        for (MethodNode method : node.methods) {
            SwitchMethod shape = SwitchMethod.of(method);
            if (shape != null && shape.cases.size() > casesPerPart) {
                parts.addAll(shape.split(node.name, casesPerPart));
            }
        }
        if (parts.isEmpty()) {
            return classFile;
        }
        node.methods.addAll(parts);
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS | ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected String getCommonSuperClass(String first, String second) {
                return "java/lang/Object"; // never merged here: every path into a label holds the same types
            }
        };
        node.accept(writer);
        return writer.toByteArray();
    }

    /**
     * A method of the dispatch shape: parameter loads, ending with the key's {@code iload}; a switch on the key;
     * then blocks, each starting at a switch target and ending with a return or a throw, without jumps.
     */
    private static final class SwitchMethod {
        final MethodNode method;
        final List<AbstractInsnNode> prologue;
        final int keySlot;
        /** Key to target, ascending. */
        final TreeMap<Integer, LabelNode> cases = new TreeMap<>();
        final LabelNode defaultTarget;
        /** The block of every target, aliases included. */
        final Map<LabelNode, List<AbstractInsnNode>> blocks = new IdentityHashMap<>();

        private SwitchMethod(MethodNode method, List<AbstractInsnNode> prologue, int keySlot, LabelNode defaultTarget) {
            this.method = method;
            this.prologue = prologue;
            this.keySlot = keySlot;
            this.defaultTarget = defaultTarget;
        }

        static SwitchMethod of(MethodNode method) {
            if ((method.access & Opcodes.ACC_STATIC) == 0 || !method.tryCatchBlocks.isEmpty()) {
                return null;
            }
            int parameterSlots = (Type.getArgumentsAndReturnSizes(method.desc) >> 2) - 1; // without a this
            List<AbstractInsnNode> prologue = new ArrayList<>();
            AbstractInsnNode insn = method.instructions.getFirst();
            for (; insn != null && !isSwitch(insn); insn = insn.getNext()) {
                if (insn.getOpcode() < 0) {
                    continue; // labels, line numbers
                }
                if (!(insn instanceof VarInsnNode load) || load.getOpcode() > Opcodes.ALOAD || load.var >= parameterSlots) {
                    return null;
                }
                prologue.add(insn);
            }
            if (insn == null || prologue.isEmpty() || prologue.get(prologue.size() - 1).getOpcode() != Opcodes.ILOAD) {
                return null;
            }
            int keySlot = ((VarInsnNode) prologue.get(prologue.size() - 1)).var;
            SwitchMethod shape;
            if (insn instanceof TableSwitchInsnNode table) {
                shape = new SwitchMethod(method, prologue, keySlot, table.dflt);
                for (int i = 0; i < table.labels.size(); i++) {
                    shape.cases.put(table.min + i, table.labels.get(i));
                }
            } else {
                LookupSwitchInsnNode lookup = (LookupSwitchInsnNode) insn;
                shape = new SwitchMethod(method, prologue, keySlot, lookup.dflt);
                for (int i = 0; i < lookup.keys.size(); i++) {
                    shape.cases.put(lookup.keys.get(i), lookup.labels.get(i));
                }
            }
            return shape.readBlocks(insn.getNext()) ? shape : null;
        }

        private static boolean isSwitch(AbstractInsnNode insn) {
            return insn.getOpcode() == Opcodes.TABLESWITCH || insn.getOpcode() == Opcodes.LOOKUPSWITCH;
        }

        /** Reads the blocks after the switch; false when the code is not of the expected shape. */
        private boolean readBlocks(AbstractInsnNode first) {
            List<LabelNode> pending = new ArrayList<>();
            List<AbstractInsnNode> block = null;
            boolean dead = false; // after a return or throw, until the next label: Chicory leaves an athrow there
            for (AbstractInsnNode insn = first; insn != null; insn = insn.getNext()) {
                if (insn instanceof LabelNode label) {
                    dead = false;
                    if (block == null) {
                        pending.add(label);
                    } else {
                        block.add(label); // a label inside a block (a line number's): copied along
                    }
                    continue;
                }
                if (insn.getOpcode() < 0 || dead) {
                    continue; // line numbers, unreachable code
                }
                if (insn instanceof JumpInsnNode || isSwitch(insn) || insn.getOpcode() == Opcodes.IINC
                        || insn.getOpcode() >= Opcodes.ISTORE && insn.getOpcode() <= Opcodes.ASTORE) {
                    return false;
                }
                if (block == null) {
                    if (pending.isEmpty()) {
                        return false; // code no target reaches: not a shape this pass knows
                    }
                    block = new ArrayList<>();
                    for (LabelNode alias : pending) {
                        blocks.put(alias, block);
                    }
                    pending.clear();
                }
                block.add(insn);
                int opcode = insn.getOpcode();
                if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN || opcode == Opcodes.ATHROW) {
                    block = null;
                    dead = true;
                }
            }
            if (block != null) {
                return false; // falls off the end
            }
            for (LabelNode target : cases.values()) {
                if (!blocks.containsKey(target)) {
                    return false;
                }
            }
            return blocks.containsKey(defaultTarget);
        }

        /** Makes the parts and turns the method into the chain that calls them. */
        List<MethodNode> split(String owner, int casesPerPart) {
            List<Integer> keys = new ArrayList<>(cases.keySet());
            List<MethodNode> parts = new ArrayList<>();
            List<Integer> lastKeys = new ArrayList<>();
            for (int from = 0; from < keys.size(); from += casesPerPart) {
                List<Integer> partKeys = keys.subList(from, Math.min(keys.size(), from + casesPerPart));
                parts.add(part(method.name + "$part" + parts.size(), partKeys));
                lastKeys.add(partKeys.get(partKeys.size() - 1));
            }
            InsnList chain = new InsnList();
            Type[] parameters = Type.getArgumentTypes(method.desc);
            int returnOpcode = Type.getReturnType(method.desc).getOpcode(Opcodes.IRETURN);
            for (int i = 0; i < parts.size(); i++) {
                LabelNode next = new LabelNode();
                if (i < parts.size() - 1) { // a key above every part's last goes to the last part: its default
                    chain.add(new VarInsnNode(Opcodes.ILOAD, keySlot));
                    chain.add(new LdcInsnNode(lastKeys.get(i)));
                    chain.add(new JumpInsnNode(Opcodes.IF_ICMPGT, next));
                }
                int slot = 0;
                for (Type parameter : parameters) {
                    chain.add(new VarInsnNode(parameter.getOpcode(Opcodes.ILOAD), slot));
                    slot += parameter.getSize();
                }
                chain.add(new MethodInsnNode(Opcodes.INVOKESTATIC, owner, parts.get(i).name, method.desc, false));
                chain.add(new InsnNode(returnOpcode));
                if (i < parts.size() - 1) {
                    chain.add(next);
                }
            }
            method.instructions = chain;
            method.localVariables = null;
            return parts;
        }

        /** A copy of the method with the cases of {@code keys} only, and the default. */
        private MethodNode part(String name, List<Integer> keys) {
            MethodNode part = new MethodNode(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC, name,
                    method.desc, null, null);
            Map<LabelNode, LabelNode> copies = new CopiedLabels();
            Map<List<AbstractInsnNode>, LabelNode> blockStarts = new LinkedHashMap<>();
            LabelNode[] targets = new LabelNode[keys.size()];
            for (int i = 0; i < keys.size(); i++) {
                targets[i] = blockStarts.computeIfAbsent(blocks.get(cases.get(keys.get(i))), b -> new LabelNode());
            }
            LabelNode defaultStart = blockStarts.computeIfAbsent(blocks.get(defaultTarget), b -> new LabelNode());
            for (AbstractInsnNode insn : prologue) {
                part.instructions.add(insn.clone(copies));
            }
            part.instructions.add(new LookupSwitchInsnNode(defaultStart,
                    keys.stream().mapToInt(Integer::intValue).toArray(), targets));
            for (Map.Entry<List<AbstractInsnNode>, LabelNode> block : blockStarts.entrySet()) {
                part.instructions.add(block.getValue());
                for (AbstractInsnNode insn : block.getKey()) {
                    part.instructions.add(insn.clone(copies));
                }
            }
            return part;
        }
    }

    /** A fresh label for each label of the copied code, made when first asked for. */
    private static final class CopiedLabels extends HashMap<LabelNode, LabelNode> {
        @Override
        public LabelNode get(Object label) {
            return computeIfAbsent((LabelNode) label, l -> new LabelNode());
        }
    }
}
