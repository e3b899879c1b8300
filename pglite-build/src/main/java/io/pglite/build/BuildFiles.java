package io.pglite.build;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * File helpers that keep rebuilds cheap: outputs are rewritten only when their content changes (so their
 * modification times, and the jar built from them, stay put), and stamps record the inputs an expensive
 * output was made from.
 */
final class BuildFiles {

    private BuildFiles() {
    }

    /** Writes {@code content} to {@code file} unless the file already holds exactly that; returns whether it wrote. */
    static boolean writeIfChanged(Path file, byte[] content) throws IOException {
        if (Files.isRegularFile(file) && Arrays.equals(Files.readAllBytes(file), content)) {
            return false;
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(temporary, content);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return true;
    }

    /**
     * Rewrites every class file under {@code classes} in place with {@code rewrite}, which returns its argument
     * itself for a class it leaves alone.
     */
    static Rewritten rewriteClasses(Path classes, UnaryOperator<byte[]> rewrite) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(classes)) {
            files = walk.filter(file -> file.toString().endsWith(".class")).sorted().toList();
        }
        int changed = 0;
        for (Path file : files) {
            byte[] original = Files.readAllBytes(file);
            byte[] rewritten = rewrite.apply(original);
            if (rewritten != original) {
                Files.write(file, rewritten);
                changed++;
            }
        }
        return new Rewritten(changed, files.size());
    }

    /** What {@link #rewriteClasses} did: {@code changed} of the {@code classes} it read. */
    record Rewritten(int changed, int classes) {
    }

    /** Whether {@code stamp} exists and records exactly {@code inputsKey}. */
    static boolean stampMatches(Path stamp, String inputsKey) throws IOException {
        return Files.isRegularFile(stamp) && Files.readString(stamp, StandardCharsets.UTF_8).equals(inputsKey);
    }

    /** Records that the outputs guarded by {@code stamp} were made from {@code inputsKey}. */
    static void writeStamp(Path stamp, String inputsKey) throws IOException {
        writeIfChanged(stamp, inputsKey.getBytes(StandardCharsets.UTF_8));
    }

    /** Deletes {@code path} and, if it is a directory, everything below it; does nothing if it does not exist. */
    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
