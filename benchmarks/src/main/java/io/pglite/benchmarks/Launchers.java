package io.pglite.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The child-JVM launcher of each database kind, and the scratch directory they share (deleted on
 * close). pglite runs as the harness's user; Zonky gets a temporary directory of its own for its
 * binaries and data, and runs as an unprivileged user when the harness runs as root.
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
        String classPath = System.getProperty("java.class.path");
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
