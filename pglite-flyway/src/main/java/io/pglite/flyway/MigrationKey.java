package io.pglite.flyway;

import io.pglite.core.Snapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * What a migrated snapshot depends on, as a SHA-256: the engine build, the Flyway version, the
 * database, the extensions, the settings, and every file under the migration locations (names and contents: SQL and Java
 * migrations, callbacks). Two keys are equal only when migrating would give the same database.
 *
 * <p>{@link #settingsKey} covers the locations and settings only: the cache keeps one file per
 * settings key and replaces it when the files change.
 */
record MigrationKey(String value, String settingsKey, List<String> emptyLocations) {
    private static final String VERSION = "pglite-flyway key 1";
    private static final char[] WILDCARDS = {'*', '?', '{', '['};

    static MigrationKey of(List<String> locations, Map<String, String> settings, String database, List<String> extensions,
            ClassLoader loader) {
        MessageDigest settingsDigest = sha256();
        update(settingsDigest, VERSION);
        update(settingsDigest, Snapshot.engineBuild());
        update(settingsDigest, flywayVersion());
        update(settingsDigest, database);
        extensions.forEach(extension -> update(settingsDigest, "extension " + extension));
        new TreeMap<>(settings).forEach((name, value) -> {
            update(settingsDigest, name);
            update(settingsDigest, value);
        });
        locations.forEach(location -> update(settingsDigest, location));
        String settingsKey = HexFormat.of().formatHex(settingsDigest.digest()).substring(0, 16);

        MessageDigest digest = sha256();
        update(digest, settingsKey);
        List<String> empty = new java.util.ArrayList<>();
        for (String location : locations) {
            TreeSet<String> files = new TreeSet<>(); // "name sha256" of each file, in a stable order
            try {
                collect(location, loader, files);
            } catch (IOException e) {
                throw new UncheckedIOException("pglite-flyway could not read the migrations in " + location + ": " + e, e);
            }
            if (files.isEmpty()) {
                empty.add(location);
            }
            update(digest, location);
            files.forEach(file -> update(digest, file));
        }
        return new MigrationKey(HexFormat.of().formatHex(digest.digest()), settingsKey, List.copyOf(empty));
    }

    /** Adds the files under one location: {@code classpath:} (the default) or {@code filesystem:}. */
    private static void collect(String location, ClassLoader loader, TreeSet<String> files) throws IOException {
        if (location.startsWith("filesystem:")) {
            String path = fixedPart(location.substring("filesystem:".length()));
            if (path.isEmpty()) {
                throw new IllegalArgumentException("pglite-flyway: location " + location
                        + " starts with a wildcard; name its directory, e.g. filesystem:src/main/resources/db/migration");
            }
            addTree(Paths.get(path), files);
            return;
        }
        if (location.matches("^[a-z0-9]+:.*") && !location.startsWith("classpath:")) {
            throw new IllegalArgumentException("pglite-flyway: location " + location + " is not supported: "
                    + "pglite-flyway keys its cache by the migrations' contents, which it reads from classpath: and "
                    + "filesystem: locations only");
        }
        String path = fixedPart(location.startsWith("classpath:") ? location.substring("classpath:".length()) : location);
        path = path.replaceAll("^/+|/+$", "");
        if (path.isEmpty()) {
            throw new IllegalArgumentException("pglite-flyway: location " + location
                    + " is the whole class path; name the package of the migrations, e.g. classpath:db/migration");
        }
        Enumeration<URL> roots = loader.getResources(path);
        while (roots.hasMoreElements()) {
            URL root = roots.nextElement();
            if ("jar".equals(root.getProtocol())) {
                addJarEntries(root, files);
            } else if ("file".equals(root.getProtocol())) {
                try {
                    addTree(Paths.get(root.toURI()), files);
                } catch (URISyntaxException e) {
                    throw new IOException("unusable class path URL " + root, e);
                }
            } else {
                throw new IOException("class path URLs of protocol " + root.getProtocol() + " (" + root
                        + ") are not supported; use a directory or a jar");
            }
        }
    }

    /** The part of a location before its first wildcard: every file under it is taken, a superset of Flyway's. */
    private static String fixedPart(String path) {
        int end = path.length();
        for (char wildcard : WILDCARDS) {
            int at = path.indexOf(wildcard);
            if (at >= 0) {
                end = Math.min(end, at);
            }
        }
        String fixed = path.substring(0, end);
        return end == path.length() ? fixed : fixed.substring(0, fixed.lastIndexOf('/') + 1);
    }

    private static void addTree(Path root, TreeSet<String> files) throws IOException {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile).sorted()::iterator) {
                files.add(root.relativize(file).toString().replace('\\', '/') + " " + hash(Files.readAllBytes(file)));
            }
        }
    }

    private static void addJarEntries(URL root, TreeSet<String> files) throws IOException {
        JarURLConnection connection = (JarURLConnection) root.openConnection();
        connection.setUseCaches(false);
        String prefix = connection.getEntryName() + "/";
        try (JarFile jar = connection.getJarFile()) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                if (!entry.isDirectory() && entry.getName().startsWith(prefix)) {
                    try (InputStream in = jar.getInputStream(entry)) {
                        files.add(entry.getName().substring(prefix.length()) + " " + hash(in.readAllBytes()));
                    }
                }
            }
        }
    }

    private static String flywayVersion() {
        try (InputStream in = org.flywaydb.core.Flyway.class
                .getResourceAsStream("/META-INF/maven/org.flywaydb/flyway-core/pom.properties")) {
            if (in == null) {
                return "flyway unknown";
            }
            java.util.Properties properties = new java.util.Properties();
            properties.load(in);
            return "flyway " + properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String hash(byte[] content) {
        return HexFormat.of().formatHex(sha256().digest(content));
    }

    private static void update(MessageDigest digest, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        digest.update((byte) (bytes.length >>> 24));
        digest.update((byte) (bytes.length >>> 16));
        digest.update((byte) (bytes.length >>> 8));
        digest.update((byte) bytes.length);
        digest.update(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
