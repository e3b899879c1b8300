package io.pglite.benchmarks;

import static io.pglite.benchmarks.ProbeOutput.key;

import static io.pglite.benchmarks.ProbeOutput.millis;
import static io.pglite.benchmarks.ProbeOutput.report;

import io.pglite.core.Pglite;
import io.pglite.core.Snapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.StringJoiner;

/**
 * Figure 6: a clean database for the next test. One schema for both kinds: {@value #TABLES} tables
 * of {@value #ROWS} rows each (serial key, text, integer, timestamptz; an index on the integer and
 * one on the timestamp). A test-like change, over one JDBC connection in autocommit, inserts
 * {@value #INSERTS} rows into {@code t1}, updates {@value #UPDATES} rows of {@code t2} and deletes
 * {@value #DELETES} rows of {@code t3}.
 *
 * <ul>
 *   <li>pglite: after the change, {@code restore(snapshot)} of the state before it, timed alone;
 *       clones started with {@code Pglite.builder().withSnapshot(snapshot).start()} until they answer
 *       a query; the heap a snapshot holds ({@code Snapshot.memoryBytes()}), the JVM heap that
 *       retained snapshots take, and the size of the first one written to a file.</li>
 *   <li>Zonky: {@code CREATE DATABASE ... TEMPLATE} of a database holding the schema, a first
 *       connection to the copy and a query (what its {@code PreparedDbProvider} does per database),
 *       and, on one database, the change followed by {@code TRUNCATE ... RESTART IDENTITY} of the ten
 *       tables and a re-insert of their rows in one transaction.</li>
 * </ul>
 *
 * <p>After every reset a fingerprint of all ten tables (row count, sums of the integer, of a hash of
 * the text and of the timestamp, largest key, sequence value) must equal the clean one; resets that
 * leave anything else are counted and the first few printed. Arguments: a {@link DatabaseKind},
 * timed reset cycles, clones to time, later snapshots to retain.
 */
public final class ResetProbe {
    static final int TABLES = 10;
    static final int ROWS = 1000;
    static final int INSERTS = 3;
    static final int UPDATES = 5;
    static final int DELETES = 2;
    static final int CHANGED_TABLES = 3;
    static final int FULL_CHECK_EVERY = 25;
    static final int PGLITE_WARMUP_CYCLES = 30;
    static final int ZONKY_WARMUP_CYCLES = 5;

    static final String WORK = "test-like change over JDBC";
    static final String WORK_IN_A_ROW = "test-like change, no restore since the one before";
    static final String RESTORE = "restore(snapshot)";
    static final String TEMPLATE = "CREATE DATABASE … TEMPLATE + first connection + query";
    static final String TRUNCATE = "TRUNCATE of 10 tables + re-insert of 10,000 rows";
    static final String CLONE = "clone: withSnapshot(s).start() + query";
    static final String DROP = "DROP DATABASE of a copy (not in the clone time)";
    static final String MEDIAN = "median (ms)";
    static final String P99 = "p99 (ms)";
    static final String MEAN = "mean (ms)";
    static final String MAX = "max (ms)";
    static final String CYCLES = "timed reset cycles";
    static final String FIRST_CLONE = "first clone of the JVM: start + query (ms)";
    static final String CLONES_TIMED = "clones timed after the first";
    static final String FIRST_SNAPSHOT = "first snapshot: snapshot() (ms)";
    static final String SNAPSHOT_MEMORY = "first snapshot: memoryBytes() (MiB)";
    static final String SNAPSHOT_FILE = "first snapshot: Snapshot.writeTo file size (MiB)";
    static final String SNAPSHOT_WRITE = "first snapshot: writeTo (ms)";
    static final String SNAPSHOT_READ = "first snapshot: readFrom (ms)";
    static final String FIRST_SNAPSHOT_HEAP = "first snapshot: JVM heap growth after GC (MiB)";
    static final String LATER_SNAPSHOT = "later snapshot after a change: snapshot(), median (ms)";
    static final String LATER_MEMORY = "later snapshot after a change: memoryBytes(), median (MiB)";
    static final String RETAINED_HEAP = "JVM heap per retained later snapshot, after GC (MiB)";
    static final String RETAINED = "later snapshots retained";
    static final String DATABASE_SIZE = "pg_database_size of the schema's database (MiB)";
    static final String MISMATCHES = "resets that left different data";
    static final String LATER_MISMATCHES = "restores of later snapshots that left different data";
    static final String CLONE_MISMATCHES = "clones with different data";
    static final String COPY_MISMATCHES = "copies with different data";
    private static final double MIB = 1024 * 1024;
    private static final int MISMATCHES_SHOWN = 3;

    private ResetProbe() {
    }


    public static void main(String[] args) throws Exception {
        DatabaseKind kind = DatabaseKind.valueOf(args[0]);
        int cycles = Integer.parseInt(args[1]);
        int clones = Integer.parseInt(args[2]);
        int retained = Integer.parseInt(args[3]);
        try (Database database = kind.start()) {
            if (database instanceof PgliteDatabase pglite) {
                pglite(pglite, cycles, clones, retained);
            } else {
                zonky((ZonkyDatabase) database, cycles);
            }
        }
    }

    private static void pglite(PgliteDatabase database, int cycles, int clones, int retained) throws Exception {
        Pglite pg = database.pglite();
        Snapshot clean;
        String cleanFingerprint;
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl())) {
            createSchema(connection);
            report(DATABASE_SIZE, databaseSize(connection));
            cleanFingerprint = fingerprint(connection);

            long heapBefore = JvmCounters.settledHeapBytes();
            long started = System.nanoTime();
            clean = pg.snapshot();
            report(FIRST_SNAPSHOT, millis(System.nanoTime() - started));
            report(SNAPSHOT_MEMORY, clean.memoryBytes() / MIB);
            report(FIRST_SNAPSHOT_HEAP, (JvmCounters.settledHeapBytes() - heapBefore) / MIB);
            snapshotFile(clean);

            Mismatches mismatches = new Mismatches("restore");
            double[] work = new double[cycles];
            double[] restore = new double[cycles];
            try (Change change = new Change(connection)) {
                for (int i = -PGLITE_WARMUP_CYCLES; i < cycles; i++) {
                    long before = System.nanoTime();
                    change.run();
                    long changed = System.nanoTime();
                    pg.restore(clean);
                    long restored = System.nanoTime();
                    mismatches.check(i, expectedFingerprint(cleanFingerprint, i), checkedFingerprint(connection, i));
                    if (i >= 0) {
                        work[i] = millis(changed - before);
                        restore[i] = millis(restored - changed);
                    }
                }
                report(CYCLES, cycles);
                reportMillis(WORK, new Samples(work));
                reportMillis(RESTORE, new Samples(restore));
                report(MISMATCHES, mismatches.count);
                changesInARow(pg, change, clean, cycles / 5);
                retainedSnapshots(pg, connection, change, clean, cleanFingerprint, retained);
            }
        }
        clones(clean, cleanFingerprint, clones);
    }

    /** The first snapshot as a file: its size on disk, and the time to write and read it. */
    private static void snapshotFile(Snapshot snapshot) throws Exception {
        Path file = Files.createTempFile("reset-probe", ".snapshot");
        try {
            long started = System.nanoTime();
            snapshot.writeTo(file);
            report(SNAPSHOT_WRITE, millis(System.nanoTime() - started));
            report(SNAPSHOT_FILE, Files.size(file) / MIB);
            started = System.nanoTime();
            Snapshot.readFrom(file);
            report(SNAPSHOT_READ, millis(System.nanoTime() - started));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The same change without a restore before it: what a restore costs the statements after it. */
    private static void changesInARow(Pglite pg, Change change, Snapshot clean, int count) throws Exception {
        if (count == 0) {
            return;
        }
        double[] work = new double[count];
        for (int i = 0; i < count; i++) {
            long before = System.nanoTime();
            change.run();
            work[i] = millis(System.nanoTime() - before);
        }
        reportMillis(WORK_IN_A_ROW, new Samples(work));
        pg.restore(clean);
    }

    /** Snapshots after further changes, all held at once: their heap, then each restored and checked. */
    private static void retainedSnapshots(Pglite pg, Connection connection, Change change, Snapshot clean,
            String cleanFingerprint, int count) throws Exception {
        if (count == 0) {
            return;
        }
        long heapBefore = JvmCounters.settledHeapBytes();
        List<Snapshot> snapshots = new ArrayList<>();
        List<String> fingerprints = new ArrayList<>();
        double[] times = new double[count];
        double[] memory = new double[count];
        for (int i = 0; i < count; i++) {
            change.run();
            long started = System.nanoTime();
            Snapshot snapshot = pg.snapshot();
            times[i] = millis(System.nanoTime() - started);
            memory[i] = snapshot.memoryBytes() / MIB;
            snapshots.add(snapshot);
            fingerprints.add(fingerprint(connection));
        }
        long heapAfter = JvmCounters.settledHeapBytes();
        report(RETAINED, count);
        report(LATER_SNAPSHOT, new Samples(times).median());
        report(LATER_MEMORY, new Samples(memory).median());
        report(RETAINED_HEAP, (heapAfter - heapBefore) / MIB / count);
        Mismatches mismatches = new Mismatches("restore of a later snapshot");
        Random random = new Random(7);
        for (int i = 0; i < count; i++) {
            int which = random.nextInt(count);
            pg.restore(snapshots.get(which));
            mismatches.check(i, fingerprints.get(which), fingerprint(connection));
        }
        pg.restore(clean);
        mismatches.check(count, cleanFingerprint, fingerprint(connection));
        report(LATER_MISMATCHES, mismatches.count);
        if (heapAfter - heapBefore < 0) {
            System.out.println("retained snapshots: heap after GC shrank by "
                    + String.format(Locale.ROOT, "%.1f MiB", (heapBefore - heapAfter) / MIB));
        }
    }

    /** Clones of the clean snapshot, one at a time, each until it answers a query; the first reported apart. */
    private static void clones(Snapshot clean, String cleanFingerprint, int count) {
        Mismatches mismatches = new Mismatches("clone");
        double[] times = new double[Math.max(0, count - 1)];
        for (int i = 0; i < count; i++) {
            long started = System.nanoTime();
            try (Pglite clone = Pglite.builder().withName("clone-" + (i + 1)).withSnapshot(clean).start()) {
                clone.query("SELECT count(*) FROM t1").singleValue();
                double took = millis(System.nanoTime() - started);
                if (i == 0) {
                    report(FIRST_CLONE, took);
                } else {
                    times[i - 1] = took;
                }
                mismatches.check(i, cleanFingerprint, clone.query(fingerprintQuery(TABLES)).singleValue());
            }
        }
        if (times.length > 0) {
            report(CLONES_TIMED, times.length);
            reportMillis(CLONE, new Samples(times));
        }
        report(CLONE_MISMATCHES, mismatches.count);
    }

    private static void zonky(ZonkyDatabase database, int cycles) throws Exception {
        try (Connection admin = DriverManager.getConnection(database.jdbcUrl())) {
            execute(admin, "CREATE DATABASE template_db");
            String cleanFingerprint;
            try (Connection template = DriverManager.getConnection(database.jdbcUrl("template_db"))) {
                createSchema(template);
                report(DATABASE_SIZE, databaseSize(template));
                cleanFingerprint = fingerprint(template);
            }
            templateCopies(database, admin, cleanFingerprint, cycles);
            execute(admin, "CREATE DATABASE work_db TEMPLATE template_db");
            try (Connection connection = DriverManager.getConnection(database.jdbcUrl("work_db"));
                    Change change = new Change(connection)) {
                truncateAndReinsert(connection, change, cleanFingerprint, cycles);
            }
        }
    }

    /** Zonky's template approach: a new database per test, copied from the template, then connected to. */
    private static void templateCopies(ZonkyDatabase database, Connection admin, String cleanFingerprint, int cycles)
            throws Exception {
        Mismatches mismatches = new Mismatches("template copy");
        double[] copies = new double[cycles];
        double[] drops = new double[cycles];
        for (int i = -ZONKY_WARMUP_CYCLES; i < cycles; i++) {
            String name = "t_" + (i + ZONKY_WARMUP_CYCLES);
            long started = System.nanoTime();
            execute(admin, "CREATE DATABASE " + name + " TEMPLATE template_db");
            try (Connection connection = DriverManager.getConnection(database.jdbcUrl(name))) {
                try (Statement statement = connection.createStatement();
                        ResultSet count = statement.executeQuery("SELECT count(*) FROM t1")) {
                    count.next();
                    count.getLong(1);
                }
                double took = millis(System.nanoTime() - started);
                mismatches.check(i, cleanFingerprint, fingerprint(connection));
                if (i >= 0) {
                    copies[i] = took;
                }
            }
            long dropping = System.nanoTime();
            execute(admin, "DROP DATABASE " + name);
            if (i >= 0) {
                drops[i] = millis(System.nanoTime() - dropping);
            }
        }
        report(CYCLES, cycles);
        reportMillis(TEMPLATE, new Samples(copies));
        reportMillis(DROP, new Samples(drops));
        report(key(TEMPLATE, COPY_MISMATCHES), mismatches.count);
    }

    /** The other way on Zonky: one database, emptied and filled again after each change. */
    private static void truncateAndReinsert(Connection connection, Change change, String cleanFingerprint, int cycles)
            throws Exception {
        StringJoiner tables = new StringJoiner(", ", "TRUNCATE ", " RESTART IDENTITY");
        for (int t = 1; t <= TABLES; t++) {
            tables.add("t" + t);
        }
        Mismatches mismatches = new Mismatches("TRUNCATE + re-insert");
        double[] work = new double[cycles];
        double[] resets = new double[cycles];
        try (Statement statement = connection.createStatement()) {
            for (int i = -ZONKY_WARMUP_CYCLES; i < cycles; i++) {
                long before = System.nanoTime();
                change.run();
                long changed = System.nanoTime();
                connection.setAutoCommit(false);
                statement.execute(tables.toString());
                for (int t = 1; t <= TABLES; t++) {
                    statement.execute(insertRows(t));
                }
                connection.commit();
                connection.setAutoCommit(true);
                long reset = System.nanoTime();
                mismatches.check(i, cleanFingerprint, fingerprint(connection));
                if (i >= 0) {
                    work[i] = millis(changed - before);
                    resets[i] = millis(reset - changed);
                }
            }
        }
        reportMillis(WORK, new Samples(work));
        reportMillis(TRUNCATE, new Samples(resets));
        report(MISMATCHES, mismatches.count);
    }

    private static void createSchema(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (int t = 1; t <= TABLES; t++) {
                statement.execute("CREATE TABLE t" + t + " (id serial PRIMARY KEY, name text NOT NULL, "
                        + "n integer NOT NULL, created timestamptz NOT NULL DEFAULT now())");
                statement.execute("CREATE INDEX t" + t + "_n ON t" + t + " (n)");
                statement.execute("CREATE INDEX t" + t + "_created ON t" + t + " (created)");
                statement.execute(insertRows(t));
            }
            statement.execute("ANALYZE");
        }
    }

    /** The rows of table {@code t}, always the same ones. */
    private static String insertRows(int t) {
        return "INSERT INTO t" + t + " (name, n, created) SELECT 'row ' || i || ' of t" + t + "', (i * 7919) % " + ROWS
                + ", timestamptz '2026-01-01 00:00+00' + i * interval '1 minute' FROM generate_series(1, " + ROWS + ") i";
    }

    /** One text describing the content and sequence of the first {@code tables} tables. */
    private static String fingerprintQuery(int tables) {
        StringJoiner parts = new StringJoiner(" UNION ALL ",
                "SELECT string_agg(f, ' ' ORDER BY t) FROM (", ") parts");
        for (int t = 1; t <= tables; t++) {
            parts.add("SELECT " + t + " AS t, concat_ws(':', count(*), sum(n), sum(hashtext(name)), max(id), "
                    + "sum(extract(epoch FROM created))::bigint, (SELECT last_value FROM t" + t + "_id_seq)) AS f FROM t" + t);
        }
        return parts.toString();
    }

    /** The fingerprint of every table. */
    private static String fingerprint(Connection connection) throws SQLException {
        return fingerprint(connection, TABLES);
    }

    /**
     * The fingerprint checked after most resets: the tables a change touches only (the whole one
     * takes a few hundred ms on pglite); every {@value #FULL_CHECK_EVERY}th reset checks all tables.
     */
    private static String checkedFingerprint(Connection connection, int cycle) throws SQLException {
        return fingerprint(connection, cycle % FULL_CHECK_EVERY == 0 ? TABLES : CHANGED_TABLES);
    }

    /** What {@link #checkedFingerprint} must answer in a cycle: the parts of the tables it covers. */
    private static String expectedFingerprint(String full, int cycle) {
        if (cycle % FULL_CHECK_EVERY == 0) {
            return full;
        }
        return String.join(" ", java.util.Arrays.asList(full.split(" ")).subList(0, CHANGED_TABLES));
    }

    private static String fingerprint(Connection connection, int tables) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet resultSet = statement.executeQuery(fingerprintQuery(tables))) {
            resultSet.next();
            return resultSet.getString(1);
        }
    }

    private static double databaseSize(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet resultSet = statement.executeQuery("SELECT pg_database_size(current_database())")) {
            resultSet.next();
            return resultSet.getLong(1) / MIB;
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static void reportMillis(String way, Samples samples) {
        report(key(way, MEDIAN), samples.median());
        report(key(way, P99), samples.percentile(99));
        report(key(way, MEAN), samples.mean());
        report(key(way, MAX), samples.max());
    }

    /** The test-like change: prepared statements on one connection, in autocommit, rows chosen at random. */
    private static final class Change implements AutoCloseable {
        private final Random random = new Random(42);
        private final PreparedStatement insert;
        private final PreparedStatement update;
        private final PreparedStatement delete;
        private long deleted;

        Change(Connection connection) throws SQLException {
            insert = connection.prepareStatement("INSERT INTO t1 (name, n) VALUES (?, ?)");
            update = connection.prepareStatement("UPDATE t2 SET n = n + 1, name = name || '*', created = now() WHERE id = ?");
            delete = connection.prepareStatement("DELETE FROM t3 WHERE id = ?");
        }

        void run() throws SQLException {
            for (int i = 0; i < INSERTS; i++) {
                insert.setString(1, "test row " + i);
                insert.setInt(2, random.nextInt(ROWS));
                requireOne(insert.executeUpdate(), "INSERT into t1");
            }
            for (int i = 0; i < UPDATES; i++) {
                update.setInt(1, 1 + random.nextInt(ROWS));
                requireOne(update.executeUpdate(), "UPDATE of t2");
            }
            for (int i = 0; i < DELETES; i++) { // ROWS consecutive deletes hit distinct rows: 7919 is prime
                delete.setInt(1, 1 + (int) (deleted++ * 7919 % ROWS));
                requireOne(delete.executeUpdate(), "DELETE from t3");
            }
        }

        private static void requireOne(int rows, String what) {
            if (rows != 1) {
                throw new IllegalStateException(what + " changed " + rows + " rows instead of 1");
            }
        }

        @Override
        public void close() throws SQLException {
            insert.close();
            update.close();
            delete.close();
        }
    }

    /** Counts resets whose fingerprint differs from the expected one; prints the first few. */
    private static final class Mismatches {
        private final String what;
        int count;

        Mismatches(String what) {
            this.what = what;
        }

        void check(int cycle, String expected, String actual) {
            if (!expected.equals(actual)) {
                if (count++ < MISMATCHES_SHOWN) {
                    System.out.println(what + ", cycle " + cycle + ": different data after the reset\n  expected "
                            + expected + "\n  actual   " + actual);
                }
            }
        }
    }
}
