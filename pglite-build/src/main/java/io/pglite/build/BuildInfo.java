package io.pglite.build;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Writes {@code pglite-build.properties}, the record of what the engine artifact was built from: the PGlite package
 * version and integrity, SHA-256 of {@code pglite.wasm}, {@code pglite.data} and the cluster pack, the PostgreSQL
 * version (read from the version string compiled into the wasm, checked against the cluster's {@code PG_VERSION}),
 * the Chicory version and the functions left to Chicory's interpreter.
 *
 * <p>Options: {@code --pglite-version V --integrity I --wasm F --data F --pgdata pgdata.tar --cluster-pack pgdata.pack
 * --chicory-version V --split "FunctionSplitter 3, target 4000, max 30000" --out pglite-build.properties}.
 */
public final class BuildInfo {

    private static final Pattern VERSION_STRING = Pattern.compile("PostgreSQL (\\d+)\\.(\\d+) \\(PGlite ([^)\\s]+)\\)");

    private BuildInfo() {
    }

    public static void main(String[] args) throws IOException {
        Args options = Args.parse(args);
        String pgliteVersion = options.string("pglite-version");
        PostgresVersion postgres = PostgresVersion.find(Files.readAllBytes(options.path("wasm")), pgliteVersion);
        String clusterMajor = clusterVersion(options.path("pgdata"));
        if (!clusterMajor.equals(postgres.major())) {
            throw new IllegalStateException(options.path("pgdata") + ": PG_VERSION " + clusterMajor + " (expected: "
                    + postgres.major() + ", the major version of pglite.wasm)");
        }
        Map<String, String> properties = new TreeMap<>();
        properties.put("pglite.version", pgliteVersion);
        properties.put("pglite.integrity", options.string("integrity"));
        properties.put("pglite.wasm.sha256", Digests.sha256Hex(Files.readAllBytes(options.path("wasm"))));
        properties.put("pglite.data.sha256", Digests.sha256Hex(Files.readAllBytes(options.path("data"))));
        // snapshot files refer to the pack's chunks by number
        properties.put("pglite.cluster.sha256", Digests.sha256Hex(Files.readAllBytes(options.path("cluster-pack"))));
        properties.put("postgres.major", postgres.major());
        properties.put("postgres.version", postgres.full());
        properties.put("chicory.version", options.string("chicory-version"));
        properties.put("pglite.split", options.string("split"));
        properties.put("pgvector.version", options.string("pgvector-version"));
        properties.put("pgvector.integrity", options.string("pgvector-integrity"));
        String text = "# What the pglite-wasm artifact was built from (written by " + BuildInfo.class.getName() + ")\n"
                + properties.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue() + "\n")
                        .collect(Collectors.joining());
        boolean written = BuildFiles.writeIfChanged(options.path("out"), text.getBytes(StandardCharsets.ISO_8859_1));
        System.out.println("[BuildInfo] PostgreSQL " + postgres.full() + ", PGlite " + pgliteVersion
                + (written ? ", wrote " + options.path("out") : ", properties up to date"));
    }

    /** The PostgreSQL version compiled into a PGlite wasm, e.g. major {@code 18}, full {@code 18.6}. */
    record PostgresVersion(String major, String full) {

        /** Finds the version string ({@code PostgreSQL 18.6 (PGlite 0.5.16) ...}) and checks its PGlite version. */
        static PostgresVersion find(byte[] wasm, String pgliteVersion) {
            Matcher matcher = VERSION_STRING.matcher(new String(wasm, StandardCharsets.ISO_8859_1));
            if (!matcher.find()) {
                throw new IllegalArgumentException(
                        "no \"PostgreSQL <major>.<minor> (PGlite <version>)\" string in the wasm");
            }
            if (!matcher.group(3).equals(pgliteVersion)) {
                throw new IllegalArgumentException("wasm version string: " + matcher.group()
                        + " (expected: PGlite " + pgliteVersion + ")");
            }
            return new PostgresVersion(matcher.group(1), matcher.group(1) + "." + matcher.group(2));
        }
    }

    private static String clusterVersion(Path pgdataTar) throws IOException {
        try (InputStream in = Files.newInputStream(pgdataTar)) {
            TarReader tar = new TarReader(in);
            for (TarEntry entry = tar.next(); entry != null; entry = tar.next()) {
                if (entry.path().equals("PG_VERSION")) {
                    return new String(entry.content(), StandardCharsets.US_ASCII).strip();
                }
            }
        }
        throw new IOException(pgdataTar + " has no PG_VERSION");
    }
}
