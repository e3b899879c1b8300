package io.pglite.flyway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pglite.core.DataDirectory;
import io.pglite.core.Pglite;
import io.pglite.core.Snapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

class PgliteFlywayTest {
    static final String COUNTING = CountingCallback.class.getName();

    @TempDir
    Path temp;
    private String testName;

    @BeforeEach
    void name(TestInfo info) {
        testName = info.getDisplayName();
    }

    /** The shop migrations, with a placeholder unique to the test so that its key is its own. */
    private PgliteFlyway shop() {
        return PgliteFlyway.locations("classpath:db/migration").placeholder("owner", "shop")
                .placeholder("test", testName).setting("flyway.callbacks", COUNTING);
    }

    private static int migrationsDuring(Runnable action) {
        int before = CountingCallback.MIGRATIONS.get();
        action.run();
        return CountingCallback.MIGRATIONS.get() - before;
    }

    @Test
    void snapshotHoldsSqlJavaRepeatableAndCallbackMigrationsWithPlaceholders() {
        Snapshot snapshot = shop().withoutDiskCache().snapshot();
        try (Pglite pg = Pglite.builder().withSnapshot(snapshot).start()) {
            assertEquals("Ada,Grace,Java migration", pg.query("SELECT string_agg(name, ',' ORDER BY id) FROM customer").singleValue());
            assertEquals("shop", pg.query("SELECT DISTINCT owner FROM customer").singleValue());
            assertEquals("15.00", pg.query("SELECT total FROM customer_totals WHERE name = 'Ada'").singleValue());
            assertEquals("afterMigrate", pg.query("SELECT string_agg(event, ',') FROM migration_log").singleValue());
            assertEquals("1,2,3,R", pg.query("SELECT string_agg(coalesce(version, 'R'), ',' ORDER BY installed_rank) "
                    + "FROM flyway_schema_history WHERE success").singleValue());
            assertEquals("0", pg.query("SELECT count(*) FROM flyway_schema_history WHERE NOT success").singleValue());
        }
    }

    @Test
    void migratesOnceForManyThreadsAskingAtOnce() throws Exception {
        PgliteFlyway flyway = shop().withoutDiskCache();
        int migrations = migrationsDuring(() -> {
            ExecutorService threads = Executors.newFixedThreadPool(4);
            try {
                List<Future<Snapshot>> snapshots = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    snapshots.add(threads.submit(flyway::snapshot));
                }
                Snapshot first = snapshots.get(0).get();
                for (Future<Snapshot> snapshot : snapshots) {
                    assertTrue(snapshot.get() == first, "every thread gets the one migrated snapshot");
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            } finally {
                threads.shutdownNow();
            }
        });
        assertEquals(1, migrations);
        assertEquals(0, migrationsDuring(flyway::snapshot));
    }

    @Test
    void extensionsAreCreatedBeforeTheMigrationsAndArePartOfTheCacheKey() throws Exception {
        Path migrations = migrationsDirectory("CREATE TABLE token (id uuid PRIMARY KEY DEFAULT uuid_generate_v4());"
                + " INSERT INTO token DEFAULT VALUES;");
        Path cache = temp.resolve("cache");
        PgliteFlyway flyway = cachedIn(migrations, cache).extensions("uuid-ossp");
        assertEquals(1, migrationsFromDisk(flyway));
        try (Pglite pg = flyway.start()) {
            assertEquals("1", pg.query("SELECT count(*) FROM token WHERE id IS NOT NULL").singleValue());
            assertEquals("uuid-ossp", pg.query("SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'").singleValue());
        }
        assertEquals(0, migrationsFromDisk(flyway), "same extensions: from the cache");
        FlywayMigrationException without = assertThrows(FlywayMigrationException.class,
                () -> migrationsFromDisk(cachedIn(migrations, cache)));
        assertTrue(without.getMessage().contains("uuid_generate_v4"), without.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> flyway.extensions("postgis"));
        assertTrue(unknown.getMessage().startsWith("extension 'postgis' is not shipped"), unknown.getMessage());
    }

    @Test
    void diskCacheIsUsedUntilAMigrationChangesIsAddedOrRemoved() throws Exception {
        Path migrations = migrationsDirectory("CREATE TABLE a (id integer);");
        Path cache = temp.resolve("cache");
        PgliteFlyway flyway = cachedIn(migrations, cache);

        assertEquals(1, migrationsFromDisk(flyway), "first run migrates");
        assertEquals(0, migrationsFromDisk(flyway), "unchanged: read from the cache directory");
        try (Stream<Path> files = Files.list(cache)) {
            assertEquals(1, files.count());
        }

        Files.writeString(migrations.resolve("V1__a.sql"), "CREATE TABLE a (id integer, name text);");
        assertEquals(1, migrationsFromDisk(flyway), "changed migration");
        assertEquals("name", columnsOf(flyway, "a").get(1));

        Files.writeString(migrations.resolve("V2__b.sql"), "CREATE TABLE b (id integer);");
        assertEquals(1, migrationsFromDisk(flyway), "added migration");
        assertEquals(0, migrationsFromDisk(flyway));

        Files.delete(migrations.resolve("V2__b.sql"));
        assertEquals(1, migrationsFromDisk(flyway), "removed migration");
        try (Pglite pg = flyway.start()) {
            assertEquals("0", pg.query("SELECT count(*) FROM pg_tables WHERE tablename = 'b'").singleValue());
        }
        try (Stream<Path> files = Files.list(cache)) {
            assertEquals(1, files.count(), "one file per set of locations and settings, replaced on change");
        }

        Path stale = cache.resolve("flyway-0000000000000000.snapshot"); // of settings used long ago
        Files.writeString(stale, "old");
        Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(MigrationCache.UNUSED_FOR).minusSeconds(60)));
        Files.writeString(migrations.resolve("V1__a.sql"), "CREATE TABLE a (id integer, name text, age integer);");
        assertEquals(1, migrationsFromDisk(flyway));
        assertFalse(Files.exists(stale), "files unused for " + MigrationCache.UNUSED_FOR + " go when another is written");
    }

    @Test
    void corruptOrForeignCacheFilesAreIgnoredAndReplaced() throws Exception {
        Path migrations = migrationsDirectory("CREATE TABLE a (id integer); INSERT INTO a VALUES (7);");
        Path cache = temp.resolve("cache");
        PgliteFlyway flyway = cachedIn(migrations, cache);
        assertEquals(1, migrationsFromDisk(flyway));
        Path file;
        try (Stream<Path> files = Files.list(cache)) {
            file = files.findFirst().orElseThrow();
        }
        byte[] good = Files.readAllBytes(file);

        byte[] truncated = java.util.Arrays.copyOf(good, good.length * 2 / 3);
        Files.write(file, truncated);
        assertEquals(1, migrationsFromDisk(flyway), "a damaged file is not trusted");
        assertEquals(0, migrationsFromDisk(flyway), "and is replaced by a good one");

        byte[] flipped = good.clone();
        flipped[flipped.length / 2] ^= 0x5a;
        Files.write(file, flipped);
        assertEquals(1, migrationsFromDisk(flyway), "a file with a damaged middle is not trusted");

        Files.write(file, "not a snapshot at all".getBytes(StandardCharsets.UTF_8));
        assertEquals(1, migrationsFromDisk(flyway), "a foreign file is not trusted");

        try (Pglite other = Pglite.start()) {
            other.snapshot().writeTo(file); // a valid snapshot, but not a cache file of these migrations
        }
        assertEquals(1, migrationsFromDisk(flyway), "a snapshot without the cache header is not trusted");
        try (Pglite pg = flyway.start()) {
            assertEquals("7", pg.query("SELECT id FROM a").singleValue());
        }
    }

    @Test
    void aSecondJvmReadsTheCacheAndDoesNotMigrate() throws Exception {
        Path cache = temp.resolve("cache");
        String first = runChildJvm(cache);
        assertTrue(first.contains("migrations=1 customers=3"), first);
        String second = runChildJvm(cache);
        assertTrue(second.contains("migrations=0 customers=3"), second);
    }

    private String runChildJvm(Path cache) throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CachedMigrationChild.class.getName(), cache.toString())
                .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), output);
        assertEquals(0, child.exitValue(), output);
        return output;
    }

    @Test
    void aFailingMigrationNamesScriptStatementAndSqlStateAndCachesNothing() {
        Path cache = temp.resolve("cache");
        PgliteFlyway flyway = PgliteFlyway.locations("classpath:db/failing").cacheDirectory(cache)
                .setting("flyway.callbacks", COUNTING).placeholder("test", testName);
        FlywayMigrationException failure = assertThrows(FlywayMigrationException.class, flyway::snapshot);
        String message = failure.getMessage();
        assertTrue(message.contains("V2__broken.sql"), message);
        assertTrue(message.contains("42601"), message);
        assertTrue(message.contains("CREATE TABLE broken (id integer,, name text)"), message);
        assertFalse(Files.exists(cache) && cache.toFile().list().length > 0, "nothing cached");

        int again = migrationsDuring(() -> {
            FlywayMigrationException second = assertThrows(FlywayMigrationException.class, flyway::snapshot);
            assertTrue(second.getMessage().contains("V2__broken.sql"), second.getMessage());
        });
        assertEquals(0, again, "the same failing migrations are not run again in this JVM");
    }

    @Test
    void migratesARunningInstanceWithCredentialsThroughADataSource() {
        try (Pglite pg = Pglite.builder().withDataDirectory(DataDirectory.at(temp.resolve("data")))
                .withCredentials("app", "secret").start()) {
            PGSimpleDataSource dataSource = new PGSimpleDataSource();
            dataSource.setUrl(pg.jdbcUrl());
            dataSource.setUser("app");
            dataSource.setPassword("secret");
            int migrations = migrationsDuring(() -> shop().migrate(dataSource));
            assertEquals(1, migrations);
            assertEquals("3", pg.query("SELECT count(*) FROM customer").singleValue());
        }
    }

    @Test
    void settingsAndLocationsPgliteFlywayCannotHonourAreRefused() {
        PgliteFlyway flyway = PgliteFlyway.locations("classpath:db/migration");
        assertThrows(IllegalArgumentException.class, () -> flyway.setting("placeholders.x", "y"));
        IllegalArgumentException url = assertThrows(IllegalArgumentException.class, () -> flyway.setting("flyway.url", "jdbc:x"));
        assertTrue(url.getMessage().contains("set by pglite-flyway"), url.getMessage());
        assertThrows(IllegalArgumentException.class, PgliteFlyway::locations);
        flyway.setting("flyway.postgresql.transactional.lock", "false"); // what pglite-flyway sets anyway
        assertThrows(IllegalArgumentException.class, () -> flyway.setting("flyway.postgresql.transactional.lock", "true"));
        IllegalArgumentException s3 = assertThrows(IllegalArgumentException.class,
                () -> PgliteFlyway.locations("s3:bucket/migrations").snapshot());
        assertTrue(s3.getMessage().contains("classpath: and filesystem: locations only"), s3.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PgliteFlyway.locations("filesystem:*").snapshot());
    }

    /** A directory of migrations with {@code V1__a.sql} holding {@code sql}. */
    private Path migrationsDirectory(String sql) throws java.io.IOException {
        Path migrations = Files.createDirectories(temp.resolve("migrations"));
        Files.writeString(migrations.resolve("V1__a.sql"), sql);
        return migrations;
    }

    private static PgliteFlyway cachedIn(Path migrations, Path cache) {
        return PgliteFlyway.locations("filesystem:" + migrations).cacheDirectory(cache).setting("flyway.callbacks", COUNTING);
    }

    private static int migrationsFromDisk(PgliteFlyway flyway) {
        MigrationCache.clearInJvm();
        return migrationsDuring(flyway::snapshot);
    }

    private static List<String> columnsOf(PgliteFlyway flyway, String table) {
        try (Pglite pg = flyway.start()) {
            List<String> columns = new ArrayList<>();
            for (List<String> row : pg.query("SELECT column_name FROM information_schema.columns WHERE table_name = '"
                    + table + "' ORDER BY ordinal_position").rows()) {
                columns.add(row.get(0));
            }
            return columns;
        }
    }
}
