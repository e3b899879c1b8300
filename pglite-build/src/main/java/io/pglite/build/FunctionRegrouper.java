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
 * is unchanged, frames included. It does so for every machine whose holders it finds in a directory (the main
 * module's, or the 69 side modules' of SideModuleCompiler, pgcrypto's 4.7 MB among them). When the classes
 * already have that layout, nothing is written, so the pass runs on every build.
 */
public final class FunctionRegrouper {
    /** Instructions (ASM nodes, labels and frames included) per class: about 14 KB of class file. */
    static final int BUDGET = 3000;
    private static final Pattern MEMBER = Pattern.compile("(func|call)_(\\d+)");
    /** A function holder; group 1 is its machine class, group 2 says whose it is. */
    private static final Pattern HOLDER = Pattern.compile("(.+)(FuncGroup|Functions)_\\d+");

    private FunctionRegrouper() {
    }

    /**
     * Options: {@code --classes DIR} (compiled modules: their machine classes are found by their holders) and
     * {@code --copies DIR} (a directory that holds an earlier copy of the classes, such as {@code target/classes}:
     * holders this pass removes are removed there too).
     */
    public static void main(String[] args) throws IOException {
        Args options = Args.parse(args);
        Result result = regroup(options.path("classes"), BUDGET);
        for (String removed : result.removed()) {
            Files.deleteIfExists(options.path("copies").resolve(removed + ".class"));
        }
        System.out.printf("[FunctionRegrouper] %s: %d modules, %d functions in %d classes; %d classes written, %d removed%n",
                options.path("classes"), result.modules(), result.functions(), result.holders(), result.written(),
                result.removed().size());
    }

    /** What {@link #regroup} did; {@code removed} are internal names of holder classes it deleted. */
    record Result(int modules, int functions, int holders, int written, List<String> removed) {
    }

    /** Regroups the functions of every compiled module under {@code classes} into holders of {@code budget}. */
    static Result regroup(Path classes, int budget) throws IOException {
        Map<String, Path> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(classes)) {
            walk.filter(file -> file.toString().endsWith(".class")).forEach(file -> {
                String relative = classes.relativize(file).toString().replace('\\', '/');
                files.put(relative.substring(0, relative.length() - ".class".length()), file);
            });
        }
        Map<String, List<String>> holdersOf = new TreeMap<>();
        for (String name : files.keySet()) {
            Matcher holder = HOLDER.matcher(name);
            if (holder.matches()) {
                holdersOf.computeIfAbsent(holder.group(1), machine -> new ArrayList<>()).add(name);
            }
        }
        List<Module> modules = new ArrayList<>();
        for (Map.Entry<String, List<String>> machine : holdersOf.entrySet()) {
            modules.add(Module.of(machine.getKey(), machine.getValue(), files, budget));
        }
        int functions = modules.stream().mapToInt(module -> module.functions.size()).sum();
        int holders = modules.stream().mapToInt(module -> module.layout.size()).sum();
        if (modules.stream().allMatch(Module::unchanged)) {
            return new Result(modules.size(), functions, holders, 0, List.of());
        }
        Map<String, Map<Integer, String>> owners = new HashMap<>();
        for (Module module : modules) {
            owners.put(module.machine, module.owners());
        }
        int written = 0;
        List<String> removed = new ArrayList<>();
        for (Module module : modules) {
            if (module.unchanged()) {
                continue;
            }
            for (Map.Entry<String, List<Integer>> holder : module.layout.entrySet()) {
                ClassNode node = new ClassNode();
                node.visit(Opcodes.V11, Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, holder.getKey(), null, "java/lang/Object", null);
                for (int index : holder.getValue()) {
                    node.methods.addAll(module.functions.get(index));
                }
                ClassWriter writer = new ClassWriter(0);
                node.accept(writer);
                if (BuildFiles.writeIfChanged(classes.resolve(holder.getKey() + ".class"), repoint(writer.toByteArray(), owners))) {
                    written++;
                }
            }
            for (String holder : module.current.keySet()) {
                if (!module.layout.containsKey(holder)) {
                    Files.delete(files.get(holder));
                    removed.add(holder);
                }
            }
        }
        // the holders just written point at their new owners already, so they come back unchanged
        written += BuildFiles.rewriteClasses(classes, classFile -> repoint(classFile, owners)).changed();
        return new Result(modules.size(), functions, holders, written, removed);
    }

    /** The functions of one compiled module: where they are, and where they go. */
    private static final class Module {
        final String machine;
        /** Index to its methods. */
        final TreeMap<Integer, List<MethodNode>> functions = new TreeMap<>();
        /** Holder to the indices it has now, and to those it gets. */
        final Map<String, List<Integer>> current = new TreeMap<>();
        Map<String, List<Integer>> layout;

        private Module(String machine) {
            this.machine = machine;
        }

        static Module of(String machine, List<String> holders, Map<String, Path> files, int budget) throws IOException {
            Module module = new Module(machine);
            // a fresh compile's FuncGroup classes make holders left from an earlier one stale
            boolean compiled = holders.stream().anyMatch(name -> name.startsWith(machine + "FuncGroup_"));
            for (String holder : holders) {
                List<Integer> indices = new ArrayList<>();
                if (!compiled || holder.startsWith(machine + "FuncGroup_")) {
                    for (MethodNode method : read(Files.readAllBytes(files.get(holder))).methods) {
                        int index = index(holder, method);
                        List<MethodNode> members = module.functions.computeIfAbsent(index, i -> new ArrayList<>());
                        if (members.stream().anyMatch(member -> member.name.equals(method.name))) {
                            throw new IllegalStateException(holder + "." + method.name + " is in two classes");
                        }
                        members.add(method);
                        if (indices.isEmpty() || indices.get(indices.size() - 1) != index) {
                            indices.add(index);
                        }
                    }
                }
                module.current.put(holder, indices);
            }
            module.layout = layout(machine, module.functions, budget);
            return module;
        }

        boolean unchanged() {
            return layout.equals(current);
        }

        Map<Integer, String> owners() {
            Map<Integer, String> owners = new HashMap<>();
            layout.forEach((holder, indices) -> indices.forEach(index -> owners.put(index, holder)));
            return owners;
        }
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

    /** {@code classFile} with calls to functions of holders pointed at their new owners; itself when it has none. */
    private static byte[] repoint(byte[] classFile, Map<String, Map<Integer, String>> owners) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(reader, 0);
        boolean[] changed = {false};
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, name, descriptor, signature, exceptions)) {
                    @Override
                    public void visitMethodInsn(int opcode, String target, String method, String desc, boolean isInterface) {
                        Matcher holder = HOLDER.matcher(target);
                        if (holder.matches()) {
                            Matcher member = MEMBER.matcher(method);
                            Map<Integer, String> owner = owners.get(holder.group(1));
                            String moved = member.matches() && owner != null ? owner.get(Integer.parseInt(member.group(2))) : null;
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
