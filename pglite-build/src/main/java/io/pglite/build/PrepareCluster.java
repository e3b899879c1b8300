package io.pglite.build;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Makes the pre-initialised PostgreSQL cluster that is shipped in the jar. Node runs PGlite's own initdb (through
 * {@code new PGlite(dir)}, then {@code close()}) from the unpacked package, which leaves a cleanly shut-down cluster
 * in a work directory; that directory is archived as {@code pgdata.tar}.
 *
 * <p>The archive is uncompressed ustar with paths relative to the cluster root ({@code PG_VERSION},
 * {@code base/1/...}), directories included, sorted by path, and with fixed owner, modes and times (see
 * {@link TarWriter}).
 *
 * <p>Options: {@code --package DIR --work DIR --out pgdata.tar --inputs-key KEY}. Nothing is done when the archive
 * exists and was made from the same inputs key (the build passes the package integrity).
 */
public final class PrepareCluster {

    private static final String SCRIPT = "prepare-cluster.mjs";
    private static final long NODE_TIMEOUT_MINUTES = 10;

    private PrepareCluster() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Args options = Args.parse(args);
        Path packageDir = options.path("package").toAbsolutePath();
        Path work = options.path("work").toAbsolutePath();
        Path out = options.path("out");
        String inputsKey = options.string("inputs-key");
        Path stamp = work.resolve(out.getFileName() + ".inputs");
        if (Files.isRegularFile(out) && BuildFiles.stampMatches(stamp, inputsKey)) {
            log(out + " is up to date");
            return;
        }
        Files.deleteIfExists(stamp);
        Path cluster = work.resolve("pgdata");
        BuildFiles.deleteRecursively(cluster);
        Files.createDirectories(work);
        long start = System.nanoTime();
        runInitdb(packageDir, cluster, work.resolve(SCRIPT));
        Files.deleteIfExists(cluster.resolve("postmaster.pid"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        int entries;
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(out), 1 << 16)) {
            entries = archive(cluster, file);
        }
        BuildFiles.writeStamp(stamp, inputsKey);
        log("wrote " + out + ": " + entries + " entries, " + Files.size(out) + " bytes, in "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
    }

    private static void runInitdb(Path packageDir, Path cluster, Path script) throws IOException, InterruptedException {
        try (InputStream in = PrepareCluster.class.getResourceAsStream(SCRIPT)) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        List<String> command = List.of("node", script.toString(), packageDir.toString(), cluster.toString());
        log("running " + String.join(" ", command));
        Process node;
        try {
            node = new ProcessBuilder(command).inheritIO().start();
        } catch (IOException e) {
            throw new IOException("could not run node: Node.js is needed to prepare the cluster at build time", e);
        }
        if (!node.waitFor(NODE_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            node.destroyForcibly();
            throw new IOException("node did not finish initdb within " + NODE_TIMEOUT_MINUTES + " minutes");
        }
        if (node.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed with exit code " + node.exitValue());
        }
        if (!Files.isRegularFile(cluster.resolve("PG_VERSION"))) {
            throw new IOException("node finished but " + cluster + " has no PG_VERSION");
        }
    }

    /** Archives the tree below {@code root} (not {@code root} itself) in path order; returns the entry count. */
    static int archive(Path root, OutputStream out) throws IOException {
        List<String> names;
        try (Stream<Path> walk = Files.walk(root)) {
            names = walk.filter(p -> !p.equals(root)).map(p -> relativeName(root, p)).sorted()
                    .collect(Collectors.toList());
        }
        try (TarWriter tar = new TarWriter(out)) {
            for (String name : names) {
                Path path = root.resolve(name);
                if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    tar.addDirectory(name);
                } else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                    tar.addFile(name, Files.readAllBytes(path));
                } else {
                    throw new IOException(path + ": neither a regular file nor a directory");
                }
            }
        }
        return names.size();
    }

    private static String relativeName(Path root, Path path) {
        return root.relativize(path).toString().replace(path.getFileSystem().getSeparator(), "/");
    }

    private static void log(String message) {
        System.out.println("[PrepareCluster] " + message);
    }
}
