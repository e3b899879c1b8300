package io.pglite.build;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;

/**
 * Fetches an npm package ({@code @electric-sql/pglite}, or an extension package such as
 * {@code @electric-sql/pglite-pgvector}) with the machine's {@code npm pack}, refuses it unless it matches the pinned
 * integrity, keeps it in a cache directory (a cached tarball that verifies is used without calling npm, so rebuilds
 * work offline) and unpacks it.
 *
 * <p>Options: {@code --package NAME --version 0.5.16 --integrity sha512-... --dist FILE[,FILE...] --cache DIR
 * --out DIR}. Output directory layout: {@code package/} (the whole package, which node needs), the {@code --dist}
 * files of its {@code dist/} directory (all required; for PGlite {@code pglite.wasm}, {@code pglite.data},
 * {@code initdb.wasm}, {@code pglite.js}), and {@code extensions/*.tar.gz}, the extension archives of {@code dist/}.
 * Unpacking is skipped when the output directory was already unpacked from a tarball with the same integrity.
 */
public final class FetchPackage {

    static final String EXTENSIONS_DIR = "extensions";
    private static final String STAMP = ".unpacked-integrity";

    private final String packageName;
    private final String version;
    private final String integrity;
    private final List<String> distFiles;
    private final Path cacheDir;
    private final List<String> npmCommand;

    FetchPackage(String packageName, String version, String integrity, List<String> distFiles, Path cacheDir,
            List<String> npmCommand) {
        if (!integrity.startsWith("sha512-")) {
            throw new IllegalArgumentException("integrity: " + integrity + " (expected: sha512-<base64>)");
        }
        this.packageName = packageName;
        this.distFiles = distFiles;
        this.version = version;
        this.integrity = integrity;
        this.cacheDir = cacheDir;
        this.npmCommand = npmCommand;
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Args options = Args.parse(args);
        boolean windows = System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("windows");
        FetchPackage fetch = new FetchPackage(options.string("package"), options.string("version"),
                options.string("integrity"), List.of(options.string("dist").split(",")), options.path("cache"),
                List.of(windows ? "npm.cmd" : "npm"));
        fetch.unpack(fetch.tarball(), options.path("out"));
    }

    /** The verified tarball in the cache directory, fetched with npm only if no verified copy is there. */
    Path tarball() throws IOException, InterruptedException {
        // npm pack names @scope/name's tarball scope-name-version.tgz
        Path file = cacheDir.resolve(packageName.replace("@", "").replace('/', '-') + "-" + version + ".tgz");
        if (Files.isRegularFile(file)) {
            if (Digests.integrity(file).equals(integrity)) {
                log("using " + file + " (integrity verified)");
                return file;
            }
            log(file + " does not match the pinned integrity; fetching it again");
        }
        Files.createDirectories(cacheDir);
        List<String> command = new ArrayList<>(npmCommand);
        command.addAll(List.of("pack", packageName + "@" + version));
        log("running " + String.join(" ", command) + " in " + cacheDir);
        Process npm;
        try {
            npm = new ProcessBuilder(command).directory(cacheDir.toFile()).inheritIO().start();
        } catch (IOException e) {
            throw new IOException("could not run " + command.get(0) + ": Node.js with npm is needed to build"
                    + " pglite-wasm unless " + file + " is already cached", e);
        }
        int exit = npm.waitFor();
        if (exit != 0) {
            throw new IOException(String.join(" ", command) + " failed with exit code " + exit);
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException(String.join(" ", command) + " did not write " + file);
        }
        verify(file, integrity);
        return file;
    }

    /** Throws, after deleting {@code file}, unless its integrity is {@code expected}. */
    static void verify(Path file, String expected) throws IOException {
        String actual = Digests.integrity(file);
        if (!actual.equals(expected)) {
            Files.delete(file);
            throw new IOException(file.getFileName() + ": integrity " + actual + " (expected: " + expected
                    + ", the pglite.integrity property); the file was deleted. Either the download is corrupt"
                    + " or the published package differs from the pinned one: do not change pglite.integrity"
                    + " without checking why.");
        }
    }

    /** Unpacks the package tree to {@code out/package} and the files the build uses to {@code out}. */
    void unpack(Path tarball, Path out) throws IOException {
        Path stamp = out.resolve(STAMP);
        if (BuildFiles.stampMatches(stamp, integrity)) {
            log(out + " is up to date");
            return;
        }
        BuildFiles.deleteRecursively(out);
        Path packageDir = out.resolve("package").toAbsolutePath().normalize();
        Set<String> found = new TreeSet<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(tarball), 1 << 16)) {
            TarReader tar = new TarReader(in);
            for (TarEntry entry = tar.next(); entry != null; entry = tar.next()) {
                Path target = out.resolve(entry.path()).toAbsolutePath().normalize();
                if (!target.startsWith(packageDir)) {
                    throw new IOException(tarball + ": entry " + entry.path() + " (expected: below package/)");
                }
                if (entry.directory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                Files.write(target, entry.content());
                String inDist = entry.path().startsWith("package/dist/") ? entry.path().substring(13) : "";
                if (inDist.endsWith(".tar.gz") && !inDist.contains("/")) {
                    Files.createDirectories(out.resolve(EXTENSIONS_DIR));
                    Files.write(out.resolve(EXTENSIONS_DIR).resolve(inDist), entry.content());
                    found.add(inDist);
                } else if (distFiles.contains(inDist)) {
                    Files.write(out.resolve(inDist), entry.content());
                    found.add(inDist);
                }
            }
        }
        if (!found.containsAll(distFiles)) {
            throw new IOException(tarball + ": has " + found + " of dist/ " + distFiles);
        }
        BuildFiles.writeStamp(stamp, integrity);
        log("unpacked " + tarball.getFileName() + " to " + out);
    }

    private static void log(String message) {
        System.out.println("[FetchPackage] " + message);
    }
}
