package io.pglite.core.engine;

import io.pglite.core.fs.ClusterImage;
import io.pglite.core.fs.DataBundle;
import io.pglite.wasm.PgliteModule;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The read-only assets of the {@code pglite-wasm} artifact, loaded once per JVM and shared by every
 * instance: the data bundle (share files, timezone data, side modules) and the pre-initialised
 * cluster.
 */
final class EngineAssets {
    private EngineAssets() {
    }

    private static final class Bundle {
        static final DataBundle BUNDLE = DataBundle.of(read("pglite.data"),
                new String(read("pglite.manifest"), StandardCharsets.UTF_8));
    }

    private static final class Cluster {
        static final ClusterImage IMAGE = loadCluster();
    }

    private static final class BuildInfo {
        static final java.util.Properties PROPERTIES = load();

        private static java.util.Properties load() {
            java.util.Properties properties = new java.util.Properties();
            try (InputStream in = open("pglite-build.properties")) {
                properties.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("engine asset io/pglite/wasm/pglite-build.properties is unreadable: " + e.getMessage(), e);
            }
            return properties;
        }
    }

    /** What this engine was built from, as one line: snapshot files must match it. */
    static String buildKey() {
        StringBuilder key = new StringBuilder();
        new java.util.TreeMap<>(BuildInfo.PROPERTIES).forEach((name, value) -> key.append(name).append('=').append(value).append(' '));
        return key.toString().trim();
    }

    /** The PostgreSQL major version of the engine, e.g. {@code 18}. */
    static String postgresMajor() {
        return BuildInfo.PROPERTIES.getProperty("postgres.major");
    }

    static DataBundle bundle() {
        return Bundle.BUNDLE;
    }

    static ClusterImage cluster() {
        return Cluster.IMAGE;
    }

    private static ClusterImage loadCluster() {
        try {
            return ClusterImage.fromPack(read("pgdata.pack"));
        } catch (IOException e) {
            throw new UncheckedIOException("engine asset io/pglite/wasm/pgdata.pack is unreadable: " + e.getMessage(), e);
        }
    }

    static byte[] read(String name) {
        try (InputStream in = open(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("engine asset io/pglite/wasm/" + name + " is unreadable: " + e.getMessage(), e);
        }
    }

    private static InputStream open(String name) {
        InputStream in = PgliteModule.class.getResourceAsStream(name);
        if (in == null) {
            throw new EngineStartException("engine asset io/pglite/wasm/" + name
                    + " is not on the class path; the io.pglite:pglite-wasm jar is missing or incomplete");
        }
        return in;
    }
}
