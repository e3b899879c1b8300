package io.pglite.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * Moves the functions of a Chicory-compiled module into many small classes, so that a JVM loads only the code it
 * runs. Chicory puts every function of a module into a few {@code FuncGroup} classes of up to 6,144 functions: for
 * PGlite three classes of 3.5-4.7 MB, which a fresh JVM reads and verifies whole (about 0.4 s) the first time any
 * of their functions runs, although a start and a first query run about 7 % of the functions.
 *
 * <p>Each function holder of the machine class {@code M} ({@code M}FuncGroup_N, or {@code M}Functions_N as this
 * pass names its own) holds {@code func_I} (the function with wasm index I) and usually {@code call_I} (its
 * adapter for calls from the host), both public and static. This pass puts them into classes
 * {@code M}Functions_F of consecutive indices, F being the first one, each closed once it reaches a budget of
 * instructions, and points every call in the directory's classes at the new owner. The bytecode of the functions
 * is unchanged, frames included. When the classes already have that layout, nothing is written, so the pass runs
 * on every build.
 */
public final class FunctionRegrouper {
    /** Instructions (ASM nodes, labels and frames included) per class: 20-30 KB of class file. */
    static final int BUDGET = 3000;
    private static final Pattern MEMBER = Pattern.compile("(func|call)_(\\d+)");

    private FunctionRegrouper() {
    }

    /**
     * Options: {@code --classes DIR} (the compiled module), {@code --machine NAME} (the machine class's internal
     * name, e.g. {@code io/pglite/wasm/PgliteModuleMachine}) and {@code --copies DIR} (a directory that holds an
     * earlier copy of the classes, such as {@code target/classes}: holders this pass removes are removed there too).
     */
    public static void main(String[] args) throws IOException {
        Args options = Args.parse(args);
        Path classes = options.path("classes");
        Result result = regroup(classes, options.string("machine"), BUDGET);
        for (String removed : result.removed()) {
            Files.deleteIfExists(options.path("copies").resolve(removed + ".class"));
        }
        System.out.printf("[FunctionRegrouper] %d functions in %d classes; %d classes written, %d removed%n",
                result.functions(), result.holders(), result.written(), result.removed().size());
    }

    /** What {@link #regroup} did; {@code removed} are internal names of holder classes it deleted. */
    record Result(int functions, int holders, int written, List<String> removed) {
    }

    /** Regroups the functions of machine class {@code machine} under {@code classes} into holders of {@code budget}. */
    static Result regroup(Path classes, String machine, int budget) throws IOException {
        Pattern holderName = Pattern.compile(Pattern.quote(machine) + "(?:FuncGroup|Functions)_\\d+");
        Map<String, Path> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(classes)) {
            walk.filter(file -> file.toString().endsWith(".class")).forEach(file -> {
                String relative = classes.relativize(file).toString().replace('\\', '/');
                files.put(relative.substring(0, relative.length() - ".class".length()), file);
            });
        }
        // a fresh compile's FuncGroup classes make holders left from an earlier one stale
        boolean compiled = files.keySet().stream().anyMatch(name -> name.startsWith(machine + "FuncGroup_"));
        // index -> its methods; holder -> the indices it has now
        TreeMap<Integer, List<MethodNode>> functions = new TreeMap<>();
        Map<String, List<Integer>> current = new TreeMap<>();
        for (Map.Entry<String, Path> file : files.entrySet()) {
            if (holderName.matcher(file.getKey()).matches()) {
                List<Integer> indices = new ArrayList<>();
                if (!compiled || file.getKey().startsWith(machine + "FuncGroup_")) {
                    for (MethodNode method : read(Files.readAllBytes(file.getValue())).methods) {
                        int index = index(file.getKey(), method);
                        List<MethodNode> members = functions.computeIfAbsent(index, i -> new ArrayList<>());
                        if (members.stream().anyMatch(member -> member.name.equals(method.name))) {
                            throw new IllegalStateException(file.getKey() + "." + method.name + " is in two classes");
                        }
                        members.add(method);
                        if (indices.isEmpty() || indices.get(indices.size() - 1) != index) {
                            indices.add(index);
                        }
                    }
                }
                current.put(file.getKey(), indices);
            }
        }
        Map<String, List<Integer>> layout = layout(machine, functions, budget);
        if (layout.equals(current)) {
            return new Result(functions.size(), layout.size(), 0, List.of());
        }
        Map<Integer, String> owner = new HashMap<>();
        layout.forEach((holder, indices) -> indices.forEach(index -> owner.put(index, holder)));
        int written = 0;
        for (Map.Entry<String, List<Integer>> holder : layout.entrySet()) {
            ClassNode node = new ClassNode();
            node.visit(Opcodes.V11, Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, holder.getKey(), null, "java/lang/Object", null);
            for (int index : holder.getValue()) {
                node.methods.addAll(functions.get(index));
            }
            ClassWriter writer = new ClassWriter(0);
            node.accept(writer);
            if (BuildFiles.writeIfChanged(classes.resolve(holder.getKey() + ".class"),
                    repoint(writer.toByteArray(), holderName, owner))) {
                written++;
            }
        }
        List<String> removed = new ArrayList<>();
        for (String holder : current.keySet()) {
            if (!layout.containsKey(holder)) {
                Files.delete(files.get(holder));
                removed.add(holder);
            }
        }
        for (Map.Entry<String, Path> file : files.entrySet()) {
            if (!holderName.matcher(file.getKey()).matches()) {
                byte[] original = Files.readAllBytes(file.getValue());
                byte[] repointed = repoint(original, holderName, owner);
                if (repointed != original) {
                    Files.write(file.getValue(), repointed);
                    written++;
                }
            }
        }
        return new Result(functions.size(), layout.size(), written, removed);
    }

    /** Consecutive indices, a new holder whenever the current one reached {@code budget} instructions. */
    private static Map<String, List<Integer>> layout(String machine, TreeMap<Integer, List<MethodNode>> functions, int budget) {
        Map<String, List<Integer>> layout = new LinkedHashMap<>();
        List<Integer> group = null;
        int size = 0;
        for (Map.Entry<Integer, List<MethodNode>> function : functions.entrySet()) {
            if (group == null || size >= budget) {
                group = new ArrayList<>();
                layout.put(machine + "Functions_" + function.getKey(), group);
                size = 0;
            }
            group.add(function.getKey());
            for (MethodNode method : function.getValue()) {
                size += method.instructions.size();
            }
        }
        return new TreeMap<>(layout);
    }

    private static int index(String holder, MethodNode method) {
        Matcher member = MEMBER.matcher(method.name);
        if (!member.matches() || (method.access & Opcodes.ACC_STATIC) == 0) {
            throw new IllegalStateException(holder + "." + method.name + method.desc + " is not a function of the "
                    + "shape Chicory's compiler emits (static func_N or call_N); has the Chicory version changed?");
        }
        return Integer.parseInt(member.group(2));
    }

    private static ClassNode read(byte[] classFile) {
        ClassNode node = new ClassNode();
        new ClassReader(classFile).accept(node, 0);
        return node;
    }

    /** {@code classFile} with calls to functions of holders pointed at {@code owner}'s; itself when it has none. */
    private static byte[] repoint(byte[] classFile, Pattern holderName, Map<Integer, String> owner) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(reader, 0);
        boolean[] changed = {false};
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, name, descriptor, signature, exceptions)) {
                    @Override
                    public void visitMethodInsn(int opcode, String target, String method, String desc, boolean isInterface) {
                        if (holderName.matcher(target).matches()) {
                            Matcher member = MEMBER.matcher(method);
                            String moved = member.matches() ? owner.get(Integer.parseInt(member.group(2))) : null;
                            if (moved == null) {
                                throw new IllegalStateException("a call to " + target + "." + method + desc
                                        + ", which no holder of the module has");
                            }
                            changed[0] |= !moved.equals(target);
                            target = moved;
                        }
                        super.visitMethodInsn(opcode, target, method, desc, isInterface);
                    }
                };
            }
        }, 0);
        return changed[0] ? writer.toByteArray() : classFile;
    }
}
