package io.pglite.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Native PostgreSQL refuses to run as root. When the harness runs as root, Zonky's child JVMs run
 * as the user {@value #NAME} (created if missing) through {@code runuser}, from a world-readable
 * copy of the class path (the Maven repository under {@code /root} is not readable to it).
 */
final class UnprivilegedUser {
    static final String NAME = "postgres";

    private UnprivilegedUser() {
    }

    /** A launcher of child JVMs that run as {@value #NAME}, with files under {@code scratch}. */
    static ChildJvm launcher(Path scratch) throws IOException, InterruptedException {
        ensureExists();
        Files.setPosixFilePermissions(scratch, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path tmp = Files.createDirectory(scratch.resolve("tmp-" + NAME));
        UserPrincipal user = tmp.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(NAME);
        Files.setOwner(tmp, user);
        String classPath = copyClassPath(Files.createDirectory(scratch.resolve("classpath")));
        return new ChildJvm(List.of("runuser", "-u", NAME, "--"), classPath, List.of("-Djava.io.tmpdir=" + tmp));
    }

    private static void ensureExists() throws IOException, InterruptedException {
        if (run("id", "-u", NAME) != 0 && run("useradd", "-m", NAME) != 0) {
            throw new IllegalStateException("cannot create the user " + NAME + " to run PostgreSQL as");
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        return new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    }

    /** Copies every class path entry into {@code target}, readable by all; returns the new class path. */
    private static String copyClassPath(Path target) throws IOException {
        List<String> entries = new ArrayList<>();
        String[] original = System.getProperty("java.class.path").split(java.io.File.pathSeparator);
        for (int i = 0; i < original.length; i++) {
            Path source = Path.of(original[i]);
            if (!Files.exists(source)) {
                continue;
            }
            Path copy = target.resolve(i + "-" + source.getFileName());
            copyTree(source, copy);
            entries.add(copy.toString());
        }
        try (Stream<Path> paths = Files.walk(target)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Files.setPosixFilePermissions(path,
                        PosixFilePermissions.fromString(Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static void copyTree(Path source, Path target) throws IOException {
        if (!Files.isDirectory(source)) {
            Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
            return;
        }
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Files.copy(path, target.resolve(source.relativize(path).toString()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }
}
