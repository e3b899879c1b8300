package io.pglite.benchmarks;

import static io.pglite.benchmarks.ProbeOutput.key;
import static io.pglite.benchmarks.ProbeOutput.millis;
import static io.pglite.benchmarks.ProbeOutput.report;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pglite.core.Pglite;
import io.pglite.core.Snapshot;
import io.pglite.flyway.PgliteFlyway;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;

/**
 * Figure 8, run in a fresh child JVM: a schema of {@value #MIGRATIONS} Flyway migrations, from the
 * start of {@code main} to the first test's data source answering a query, then the per-test reset.
 * The harness runs it twice per kind on one work directory: the first run, then the next run with
 * the migrations unchanged.
 *
 * <ul>
 *   <li>pglite: {@code PgliteFlyway.locations(...).cacheDirectory(<work>/cache).snapshot()} (migrates on
 *       the first run, reads the cache file on the next), a clone started from it, a HikariCP pool
 *       on it, a query; per test: a change over JDBC, then {@code restore} of the migrated snapshot.</li>
 *   <li>Zonky: {@code EmbeddedPostgres.start()}, Flyway on a template database (what Zonky's
 *       {@code FlywayPreparer} and {@code PreparedDbProvider} do; they keep nothing across JVMs),
 *       {@code CREATE DATABASE ... TEMPLATE}, a HikariCP pool on the copy, a query; per test: a new
 *       copy of the template, connected to and queried.</li>
 * </ul>
 *
 * Arguments: a {@link DatabaseKind}, the name of the work directory (in the temporary directory,
 * created if missing), the number of timed resets, and {@code first} or {@code last}: after the
 * last run the work directory is deleted.
 */
public final class FlywayProbe {
    static final int MIGRATIONS = 30;
    static final int TABLES = 10;
    static final int WARMUP_RESETS = 20;
    static final String TO_DATA_SOURCE = "main to the first test's DataSource answering (ms)";
    static final String MIGRATE = "migrate or read the cache (ms)";
    static final String RESET = "per-test reset";
    static final String RESTORE_ALONE = "per-test reset: restore alone";
    static final String MEDIAN = "median (ms)";
    static final String P99 = "p99 (ms)";
    static final String CACHED = "cache file found at start";

    private FlywayProbe() {
    }

    public static void main(String[] args) throws Exception {
        long mainStarted = System.nanoTime();
        DatabaseKind kind = DatabaseKind.valueOf(args[0]);
        Path work = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), args[1]));
        int resets = Integer.parseInt(args[2]);
        Path migrations = writeMigrations(work.resolve("migrations"));
        if (kind == DatabaseKind.PGLITE) {
            pglite(mainStarted, migrations, work.resolve("cache"), resets);
        } else {
            zonky(mainStarted, migrations, resets);
        }
        if (args.length > 3 && args[3].equals("last")) {
            Launchers.deleteTree(work);
        }
    }

    private static void pglite(long mainStarted, Path migrations, Path cache, int resets) throws Exception {
        report(CACHED, Files.isDirectory(cache) && hasFiles(cache) ? 1 : 0);
        Snapshot migrated = PgliteFlyway.locations("filesystem:" + migrations).cacheDirectory(cache).snapshot();
        long snapshotReady = System.nanoTime();
        try (Pglite pg = Pglite.builder().withSnapshot(migrated).start();
                HikariDataSource dataSource = pool(pg.jdbcUrl(), "postgres")) {
            try (Connection connection = dataSource.getConnection()) {
                requireSeeded(connection);
            }
            report(TO_DATA_SOURCE, millis(System.nanoTime() - mainStarted));
            report(MIGRATE, millis(snapshotReady - mainStarted));
            double[] times = new double[resets];
            double[] restores = new double[resets];
            for (int i = -WARMUP_RESETS; i < resets; i++) {
                try (Connection connection = dataSource.getConnection()) {
                    change(connection);
                }
                long started = System.nanoTime();
                pg.restore(migrated);
                long restored = System.nanoTime();
                try (Connection connection = dataSource.getConnection()) {
                    requireSeeded(connection);
                }
                if (i >= 0) {
                    times[i] = millis(System.nanoTime() - started);
                    restores[i] = millis(restored - started);
                }
            }
            reportResets(new Samples(times));
            report(key(RESTORE_ALONE, MEDIAN), new Samples(restores).median());
        }
    }

    private static void zonky(long mainStarted, Path migrations, int resets) throws Exception {
        Path data = Files.createTempDirectory("zonky-flyway");
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(data).start()) {
            try (Connection admin = postgres.getPostgresDatabase().getConnection()) {
                execute(admin, "CREATE DATABASE template_db");
            }
            Flyway.configure().dataSource(postgres.getJdbcUrl("postgres", "template_db"), "postgres", null)
                    .locations("filesystem:" + migrations).load().migrate();
            long migrated = System.nanoTime();
            try (Connection admin = postgres.getPostgresDatabase().getConnection()) {
                execute(admin, "CREATE DATABASE test_0 TEMPLATE template_db");
                try (HikariDataSource dataSource = pool(postgres.getJdbcUrl("postgres", "test_0"), "postgres");
                        Connection connection = dataSource.getConnection()) {
                    requireSeeded(connection);
                }
                report(TO_DATA_SOURCE, millis(System.nanoTime() - mainStarted));
                report(MIGRATE, millis(migrated - mainStarted));
                report(CACHED, 0);
                double[] times = new double[resets];
                for (int i = -WARMUP_RESETS; i < resets; i++) {
                    String name = "test_" + (i + WARMUP_RESETS + 1);
                    long started = System.nanoTime();
                    execute(admin, "CREATE DATABASE " + name + " TEMPLATE template_db");
                    try (Connection connection = postgres.getDatabase("postgres", name).getConnection()) {
                        requireSeeded(connection);
                    }
                    if (i >= 0) {
                        times[i] = millis(System.nanoTime() - started);
                    }
                    execute(admin, "DROP DATABASE " + name);
                }
                reportResets(new Samples(times));
            }
        } finally {
            Launchers.deleteTree(data);
        }
    }

    private static void reportResets(Samples samples) {
        report(key(RESET, MEDIAN), samples.median());
        report(key(RESET, P99), samples.percentile(99));
    }

    private static HikariDataSource pool(String url, String user) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setMaximumPoolSize(2);
        config.setMinimumIdle(0);
        return new HikariDataSource(config);
    }

    /** What a test does to the database: a write to a migrated table. */
    private static void change(Connection connection) throws SQLException {
        execute(connection, "INSERT INTO t1 (name, n) VALUES ('test row', 1)");
    }

    private static void requireSeeded(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT count(*) FROM t1")) {
            rs.next();
            if (rs.getLong(1) != 200) {
                throw new IllegalStateException("t1 has " + rs.getLong(1) + " rows, expected the migrated 200");
            }
        }
    }

    /**
     * The schema, the same bytes on every run: tables, then columns, indexes and rows, views,
     * PL/pgSQL functions and triggers, a lookup table, statistics.
     */
    static Path writeMigrations(Path directory) throws IOException {
        Files.createDirectories(directory);
        int version = 0;
        for (int t = 1; t <= TABLES; t++) {
            write(directory, ++version, "table_t" + t, "CREATE TABLE t" + t + " (id serial PRIMARY KEY, name text NOT NULL, "
                    + "n integer NOT NULL, created timestamptz NOT NULL DEFAULT now());\n"
                    + "CREATE INDEX t" + t + "_n ON t" + t + " (n);\n");
        }
        for (int t = 1; t <= TABLES; t++) {
            write(directory, ++version, "fill_t" + t, "ALTER TABLE t" + t + " ADD COLUMN note text;\n"
                    + "CREATE INDEX t" + t + "_created ON t" + t + " (created);\n"
                    + "INSERT INTO t" + t + " (name, n, note) SELECT 'row ' || i, i % 37, 'seeded' FROM generate_series(1, 200) i;\n");
        }
        for (int v = 1; v <= 5; v++) {
            write(directory, ++version, "view_v" + v, "CREATE VIEW v" + v + " AS SELECT a.id, a.name, b.n FROM t" + v
                    + " a JOIN t" + (v + 5) + " b ON b.id = a.id WHERE a.n > " + v + ";\n");
        }
        for (int f = 1; f <= 3; f++) {
            write(directory, ++version, "trigger_t" + f, "CREATE FUNCTION touch_t" + f + "() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                    + "BEGIN\n  NEW.created := now();\n  RETURN NEW;\nEND;\n$$;\n"
                    + "CREATE TRIGGER t" + f + "_touch BEFORE UPDATE ON t" + f + " FOR EACH ROW EXECUTE FUNCTION touch_t" + f + "();\n");
        }
        write(directory, ++version, "lookup", "CREATE TABLE lookup (code text PRIMARY KEY, label text NOT NULL);\n"
                + "INSERT INTO lookup SELECT 'c' || i, 'label ' || i FROM generate_series(1, 1000) i;\n");
        write(directory, ++version, "statistics", "ANALYZE;\n");
        if (version != MIGRATIONS) {
            throw new IllegalStateException(version + " migrations written, expected " + MIGRATIONS);
        }
        return directory;
    }

    private static void write(Path directory, int version, String description, String sql) throws IOException {
        Files.writeString(directory.resolve("V" + version + "__" + description + ".sql"), sql);
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static boolean hasFiles(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.findAny().isPresent();
        }
    }
}
