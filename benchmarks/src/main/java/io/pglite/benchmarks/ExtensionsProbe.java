package io.pglite.benchmarks;

import static io.pglite.benchmarks.ProbeOutput.key;
import static io.pglite.benchmarks.ProbeOutput.millis;
import static io.pglite.benchmarks.ProbeOutput.report;

import io.pglite.core.Pglite;
import io.pglite.core.Snapshot;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.stream.Collectors;

/**
 * Figure 9: extensions at start-up, {@link #EXTENSIONS} against none, each instance or database
 * timed, after a {@code System.gc()} (the instances closed before are garbage by then), from its
 * start to the first {@code SELECT 1} result, then checked: {@code pg_extension}
 * must list exactly the extensions expected (none of them for those without), and a call into each
 * must answer (its shared library is loaded and linked).
 *
 * <ul>
 *   <li>pglite: the JVM's first instance, plain and untimed (its snapshot is the clones' "without");
 *       then the first instance with the extensions (their scripts run; it leaves the prepared image;
 *       its snapshot is the clones' "with"), one sample; then {@link #WARMUP_ROUNDS} untimed rounds
 *       and {@code samples} timed ones of: a new plain instance, a later instance with the
 *       extensions (started from the prepared image), a clone of the plain snapshot, a clone of the
 *       snapshot with the extensions built as the JUnit extension builds its clones
 *       ({@code withSnapshot(s).withExtensions(...)}).</li>
 *   <li>Zonky: one cluster, a template database without extensions and one with those of
 *       {@link #EXTENSIONS} its binaries ship; rounds as above of {@code CREATE DATABASE … TEMPLATE}
 *       of each + first connection + query, and of a new database (from {@code template1}) + first
 *       connection + {@code CREATE EXTENSION} of them (their scripts run) + query; every database
 *       is dropped afterwards, untimed.</li>
 * </ul>
 *
 * <p>Arguments: a {@link DatabaseKind}, the timed samples of each way.
 */
public final class ExtensionsProbe {
    /** Issue 11's five extensions; Zonky creates those of them its PostgreSQL binaries ship. */
    static final List<String> EXTENSIONS = List.of("pgcrypto", "uuid-ossp", "hstore", "pg_trgm", "vector");
    static final String PLAIN = "new instance without extensions (not the JVM's first)";
    static final String FIRST = "first instance of the JVM with the extensions (scripts run)";
    static final String IMAGE = "later instance with the extensions (prepared image)";
    static final String CLONE_PLAIN = "clone of a snapshot without extensions";
    static final String CLONE_EXTENSIONS = "clone of a snapshot with the extensions";
    static final String TEMPLATE_PLAIN = "CREATE DATABASE … TEMPLATE without extensions + connect + query";
    static final String TEMPLATE_EXTENSIONS = "CREATE DATABASE … TEMPLATE with the extensions + connect + query";
    static final String SCRIPTS = "CREATE DATABASE + connect + CREATE EXTENSION (scripts run) + query";
    static final String MEDIAN = "median (ms)";
    static final String MIN = "min (ms)";
    static final String MAX = "max (ms)";
    /** pglite's own parts of a start, as its engine logs them: the module instantiated, then started or restored. */
    static final List<String> ENGINE_PARTS = List.of("engine: instantiate, median (ms)",
            "engine: PostgreSQL start-up or restore of the snapshot, median (ms)");
    static final String CREATED = "extensions created, of the " + EXTENSIONS.size();
    static final String CHECKED = "instances and databases checked";
    static final String MISMATCHES = "instances and databases whose extensions differed";
    static final int WARMUP_ROUNDS = 2;
    private static final int MISMATCHES_SHOWN = 3;
    private static int databases;
    /** A call into each extension's library that must answer true. */
    private static final Map<String, String> CALLS = Map.of(
            "pgcrypto", "length(digest('x', 'sha256')) = 32",
            "uuid-ossp", "uuid_generate_v4() <> uuid_nil()",
            "hstore", "('a=>1'::hstore) -> 'a' = '1'",
            "pg_trgm", "similarity('word', 'word') = 1",
            "vector", "'[3,4]'::vector <-> '[0,0]'::vector = 5");

    private ExtensionsProbe() {
    }

    /** 1 if the kind created {@code name}, 0 if its binaries do not ship it. */
    static String createdKey(String name) {
        return "created: " + name;
    }

    public static void main(String[] args) throws Exception {
        DatabaseKind kind = DatabaseKind.valueOf(args[0]);
        int samples = Integer.parseInt(args[1]);
        Checks checks = new Checks();
        if (kind == DatabaseKind.PGLITE) {
            pglite(samples, checks);
        } else {
            zonky(samples, checks);
        }
        report(CHECKED, checks.count);
        report(MISMATCHES, checks.mismatches);
    }

    private static void pglite(int samples, Checks checks) throws Exception {
        EngineLog.capture();
        String[] five = EXTENSIONS.toArray(String[]::new);
        Snapshot plain;
        try (Pglite first = Pglite.builder().withName("plain-first").start()) {
            requireOne(first.query("SELECT 1").singleValue());
            checks.check("the JVM's first instance", List.of(), sql -> first.query(sql).singleValue());
            plain = first.snapshot();
        }
        Snapshot withExtensions;
        System.gc();
        long started = System.nanoTime();
        try (Pglite pg = Pglite.builder().withName("extensions-first").withExtensions(five).start()) {
            requireOne(pg.query("SELECT 1").singleValue());
            double took = millis(System.nanoTime() - started);
            withExtensions = pg.snapshot();
            checks.check(FIRST, EXTENSIONS, sql -> pg.query(sql).singleValue());
            reportWay(FIRST, List.of(concat(took, engineParts(pg.name()))));
        }
        report(CREATED, EXTENSIONS.size());
        EXTENSIONS.forEach(name -> report(createdKey(name), 1));
        Map<String, Way> ways = new LinkedHashMap<>();
        ways.put(PLAIN, way -> start(Pglite.builder(), List.of(), way, checks));
        ways.put(IMAGE, way -> start(Pglite.builder().withExtensions(five), EXTENSIONS, way, checks));
        ways.put(CLONE_PLAIN, way -> start(Pglite.builder().withSnapshot(plain), List.of(), way, checks));
        ways.put(CLONE_EXTENSIONS, way -> start(Pglite.builder().withSnapshot(withExtensions).withExtensions(five),
                EXTENSIONS, way, checks));
        rounds(ways, samples);
    }

    /**
     * Starts an instance, times it to its first result, then checks its extensions and closes it;
     * returns the time and the {@link #ENGINE_PARTS}.
     */
    private static double[] start(Pglite.Builder builder, List<String> expected, String way, Checks checks)
            throws Exception {
        long started = System.nanoTime();
        try (Pglite pg = builder.start()) {
            requireOne(pg.query("SELECT 1").singleValue());
            double took = millis(System.nanoTime() - started);
            checks.check(way, expected, sql -> pg.query(sql).singleValue());
            return concat(took, engineParts(pg.name()));
        }
    }

    /** The {@link #ENGINE_PARTS} the engine logged for an instance; NaN for a part it did not log. */
    private static double[] engineParts(String instance) {
        double instantiate = Double.NaN;
        double started = Double.NaN;
        for (Map.Entry<String, Double> part : EngineLog.timings(instance).entrySet()) {
            if (part.getKey().equals("engine: instantiate (ms)")) {
                instantiate = part.getValue();
            } else if (part.getKey().startsWith("engine: start-up") || part.getKey().startsWith("engine: restore of")) {
                started = part.getValue();
            }
        }
        return new double[] {instantiate, started};
    }

    private static double[] concat(double first, double[] rest) {
        double[] all = new double[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private static void zonky(int samples, Checks checks) throws Exception {
        try (ZonkyDatabase database = ZonkyDatabase.start();
                Connection admin = DriverManager.getConnection(database.jdbcUrl())) {
            List<String> shipped = new ArrayList<>();
            for (String name : EXTENSIONS) {
                boolean ships = value(admin, "SELECT count(*) FROM pg_available_extensions WHERE name = '" + name + "'")
                        .equals("1");
                if (ships) {
                    shipped.add(name);
                }
                report(createdKey(name), ships ? 1 : 0);
            }
            report(CREATED, shipped.size());
            execute(admin, "CREATE DATABASE tmpl_plain");
            execute(admin, "CREATE DATABASE tmpl_extensions");
            try (Connection template = DriverManager.getConnection(database.jdbcUrl("tmpl_extensions"))) {
                createExtensions(template, shipped);
            }
            Map<String, Way> ways = new LinkedHashMap<>();
            ways.put(TEMPLATE_PLAIN, way -> newDatabase(database, admin, " TEMPLATE tmpl_plain", List.of(), false,
                    way, checks));
            ways.put(TEMPLATE_EXTENSIONS, way -> newDatabase(database, admin, " TEMPLATE tmpl_extensions", shipped,
                    false, way, checks));
            ways.put(SCRIPTS, way -> newDatabase(database, admin, "", shipped, true, way, checks));
            rounds(ways, samples);
        }
    }

    /** A new database, connected to and queried (after creating the extensions if {@code scripts}); dropped. */
    private static double[] newDatabase(ZonkyDatabase database, Connection admin, String template, List<String> expected,
            boolean scripts, String way, Checks checks) throws Exception {
        String name = "d_" + ++databases;
        long started = System.nanoTime();
        execute(admin, "CREATE DATABASE " + name + template);
        double took;
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl(name))) {
            if (scripts) {
                createExtensions(connection, expected);
            }
            requireOne(value(connection, "SELECT 1"));
            took = millis(System.nanoTime() - started);
            checks.check(way, expected, sql -> value(connection, sql));
        }
        execute(admin, "DROP DATABASE " + name);
        return new double[] {took};
    }

    private static void createExtensions(Connection connection, List<String> names) throws SQLException {
        for (String name : names) {
            execute(connection, "CREATE EXTENSION IF NOT EXISTS \"" + name + "\" CASCADE");
        }
    }

    /**
     * {@link #WARMUP_ROUNDS} untimed rounds, then {@code samples} timed ones, each way once per round, in
     * turn, each after a {@code System.gc()}.
     */
    private static void rounds(Map<String, Way> ways, int samples) throws Exception {
        Map<String, List<double[]>> times = new LinkedHashMap<>();
        ways.keySet().forEach(way -> times.put(way, new ArrayList<>()));
        for (int i = -WARMUP_ROUNDS; i < samples; i++) {
            for (Map.Entry<String, Way> way : ways.entrySet()) {
                System.gc();
                double[] took = way.getValue().run(way.getKey());
                if (i >= 0) {
                    times.get(way.getKey()).add(took);
                }
            }
        }
        times.forEach(ExtensionsProbe::reportWay);
    }

    /** Median, min and max of a way's times, and the median of each of the parts that follow the time in a sample. */
    private static void reportWay(String way, List<double[]> samples) {
        Samples times = new Samples(samples.stream().mapToDouble(sample -> sample[0]).toArray());
        report(key(way, MEDIAN), times.median());
        report(key(way, MIN), times.min());
        report(key(way, MAX), times.max());
        for (int part = 1; part < samples.get(0).length; part++) {
            int index = part;
            report(key(way, ENGINE_PARTS.get(part - 1)),
                    new Samples(samples.stream().mapToDouble(sample -> sample[index]).toArray()).median());
        }
    }

    private static void requireOne(String value) {
        if (!"1".equals(value)) {
            throw new IllegalStateException("SELECT 1 answered " + value);
        }
    }

    private static String value(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet resultSet = statement.executeQuery(sql)) {
            resultSet.next();
            return resultSet.getString(1);
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** One way of getting a database ready, run once: its time to the first result (ms), then parts of it, if any. */
    @FunctionalInterface
    private interface Way {
        double[] run(String name) throws Exception;
    }

    /** The single value a query answers, in the instance or database under check. */
    @FunctionalInterface
    private interface Query {
        String value(String sql) throws Exception;
    }

    /** Counts instances whose extensions are not exactly the expected ones or do not answer; prints the first few. */
    private static final class Checks {
        private static final String PRESENT = EXTENSIONS.stream().map(name -> "'" + name + "'").collect(Collectors.joining(
                ", ", "SELECT coalesce(string_agg(extname, ',' ORDER BY extname COLLATE \"C\"), '') FROM pg_extension "
                        + "WHERE extname IN (", ")"));
        int count;
        int mismatches;

        void check(String way, List<String> expected, Query query) throws Exception {
            count++;
            String names = query.value(PRESENT);
            String calls = "true";
            if (!expected.isEmpty()) {
                StringJoiner all = new StringJoiner(" AND ", "SELECT (", ")::text");
                expected.forEach(name -> all.add(CALLS.get(name)));
                calls = query.value(all.toString());
            }
            String wanted = expected.stream().sorted().collect(Collectors.joining(","));
            if ((!wanted.equals(names) || !"true".equals(calls)) && mismatches++ < MISMATCHES_SHOWN) {
                System.out.println(way + ": extensions [" + names + "] (expected [" + wanted + "]), calls into them: "
                        + calls);
            }
        }
    }
}
