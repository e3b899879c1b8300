package io.pglite.benchmarks;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The child-JVM launcher of each database kind, and the scratch directory they share (deleted on
 * close). pglite runs as the harness's user; Zonky gets a temporary directory of its own for its
 * binaries and data, and runs as an unprivileged user when the harness runs as root. The children
 * get the harness's class path with {@code target/classes} replaced by the module's jar, when Maven
 * has packaged it ({@code verify}): the JDK writes a class-data archive only for a class path of jars.
 */
final class Launchers implements AutoCloseable {
    private final Path scratch;
    private final ChildJvm pglite;
    private final ChildJvm zonky;
    private final String zonkyUser;

    private Launchers(Path scratch, ChildJvm pglite, ChildJvm zonky, String zonkyUser) {
        this.scratch = scratch;
        this.pglite = pglite;
        this.zonky = zonky;
        this.zonkyUser = zonkyUser;
    }

    static Launchers create() throws IOException, InterruptedException {
        Path scratch = Files.createTempDirectory("pglite-benchmarks");
        String classPath = jarClassPath(System.getProperty("java.class.path"));
        ChildJvm pglite = new ChildJvm(List.of(), classPath, List.of());
        if (ProcFiles.runningAsRoot()) {
            return new Launchers(scratch, pglite, UnprivilegedUser.launcher(scratch), UnprivilegedUser.NAME);
        }
        Path tmp = Files.createDirectory(scratch.resolve("tmp"));
        ChildJvm zonky = new ChildJvm(List.of(), classPath, List.of("-Djava.io.tmpdir=" + tmp));
        return new Launchers(scratch, pglite, zonky, System.getProperty("user.name"));
    }

    ChildJvm forKind(DatabaseKind kind) {
        return kind == DatabaseKind.PGLITE ? pglite : zonky;
    }

    /**
     * Where figure 1's class-data archive goes; fails if pglite's class path still holds a directory,
     * since the JDK refuses to write an archive then ("Cannot have non-empty directory in paths").
     */
    Path classDataArchive() {
        for (String entry : pglite.classPath().split(File.pathSeparator)) {
            if (Files.isDirectory(Path.of(entry))) {
                throw new IllegalStateException("the class-data archive variant of figure 1 needs a class path of "
                        + "jars only, but it holds the directory " + entry + " (no packaged jar next to it): run "
                        + "through `mvn -Pbenchmarks -pl benchmarks verify`, which packages the module's jar first");
            }
        }
        return scratch.resolve("pglite.jsa");
    }

    /** {@code classPath} with each {@code .../target/classes} replaced by the module's jar beside it, if there is one. */
    private static String jarClassPath(String classPath) throws IOException {
        List<String> entries = Arrays.asList(classPath.split(File.pathSeparator));
        for (int i = 0; i < entries.size(); i++) {
            Path entry = Path.of(entries.get(i));
            Path target = entry.getParent();
            if (Files.isDirectory(entry) && entry.endsWith(Path.of("target", "classes"))) {
                try (Stream<Path> files = Files.list(target)) {
                    List<Path> jars = files.filter(file -> file.getFileName().toString()
                            .matches("pglite-benchmarks-.*(?<!-sources|-javadoc|-tests)\\.jar")).toList();
                    if (jars.size() == 1) {
                        entries.set(i, jars.get(0).toString());
                    }
                }
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /** The user Zonky's PostgreSQL processes run as. */
    String zonkyUser() {
        return zonkyUser;
    }

    @Override
    public void close() {
        try {
            deleteTree(scratch);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + scratch, e);
        }
    }

    /** Deletes a directory and everything under it; nothing when it does not exist. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }
}
