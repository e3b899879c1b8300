package io.pglite.benchmarks;

import static io.pglite.benchmarks.ProbeOutput.millis;
import static io.pglite.benchmarks.ProbeOutput.report;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Figure 5: the database over JDBC (pgjdbc), the way an application reaches it: pglite through its
 * wire-protocol server, Zonky through its postmaster. On one started instance, in this order:
 *
 * <ol>
 *   <li>{@code SELECT 1} round trips on one connection, with a {@link Statement} and a
 *       {@link PreparedStatement}, warmed up and timed as {@link RoundTripProbe} does, then as many
 *       again of each untimed, counting the heap bytes every live thread of the JVM allocates;</li>
 *   <li>single-row {@code INSERT}s in autocommit, one prepared statement, warmed up then timed one by one;</li>
 *   <li>a HikariCP pool of {@value #POOL_SIZE} connections and {@value #POOL_THREADS} threads running
 *       short transactions ({@code UPDATE} of a row chosen at random among {@value #ACCOUNTS},
 *       {@code SELECT} of it, {@code COMMIT}) for a fixed time after {@value #POOL_WARMUP_SECONDS} s of
 *       warm-up: transactions per second, failures, and a check that the committed updates are all
 *       in the table;</li>
 *   <li>pgbench-style select-only ({@code pgbench -S}): a {@code pgbench_accounts}-like table of
 *       {@value #SELECT_ONLY_ROWS} rows, {@value #SELECT_ONLY_CLIENTS} threads each with its own connection
 *       (no pool) and a server-prepared {@code SELECT abalance FROM pgbench_accounts WHERE aid = ?} of a
 *       random {@code aid}, autocommit, one statement per transaction, for the pool run's time after
 *       {@value #POOL_WARMUP_SECONDS} s of warm-up: transactions per second, failures, and answers that
 *       are not the row's {@code abalance}.</li>
 * </ol>
 *
 * <p>A pool thread that has not finished {@value #STUCK_AFTER_SECONDS} s after the deadline is
 * reported as stuck, with a dump of every thread on standard error; the probe then halts rather than
 * hang; so does the select-only run. Arguments: a {@link DatabaseKind}, warm-up round trips, timed round
 * trips, timed inserts, seconds of the timed pool run (and of the timed select-only run).
 */
public final class JdbcProbe {
    static final String STATEMENT = "JDBC Statement";
    static final String PREPARED = "JDBC PreparedStatement";
    /** Per {@code SELECT 1}, summed over every live thread of the JVM (pglite: client, Netty, engine). */
    static final String ALLOCATED = "heap allocated per query, all threads (bytes)";
    static final String INSERT = "INSERT, autocommit";
    static final String INSERTS_PER_SECOND = "INSERT, autocommit: inserts/s";
    static final String CONNECT = "first JDBC connection of the JVM, connect (ms)";
    static final String RECONNECT = "second JDBC connection, connect (ms)";
    static final String FSYNC = "server setting: fsync";
    static final String SYNCHRONOUS_COMMIT = "server setting: synchronous_commit";
    static final String POOL_TPS = "pool: transactions/s";
    static final String POOL_COMMITTED = "pool: transactions committed";
    static final String POOL_FAILED = "pool: transactions failed";
    static final String POOL_WARMUP_FAILED = "pool: transactions failed during warm-up";
    static final String POOL_MISSING = "pool: committed updates missing from the table";
    static final String POOL_STUCK = "pool: threads stuck after the deadline";
    static final String POOL_MEDIAN = "pool: transaction, median (ms)";
    static final String POOL_P99 = "pool: transaction, p99 (ms)";
    static final String POOL_MAX = "pool: transaction, max (ms)";
    static final String WARMUP_SECONDS = "SELECT 1: warm-up until the JIT settled (s)";
    static final String SELECT_ONLY_TPS = "select-only: transactions/s";
    static final String SELECT_ONLY_COUNT = "select-only: transactions";
    static final String SELECT_ONLY_FAILED = "select-only: transactions failed";
    static final String SELECT_ONLY_WRONG = "select-only: wrong answers";
    static final String SELECT_ONLY_STUCK = "select-only: threads stuck after the deadline";
    static final int SELECT_ONLY_CLIENTS = 4;
    static final int SELECT_ONLY_ROWS = 10_000;
    static final int POOL_SIZE = 10;
    static final int POOL_THREADS = 8;
    static final int ACCOUNTS = 100;
    static final int POOL_WARMUP_SECONDS = 5;
    static final int STUCK_AFTER_SECONDS = 90;
    private static final int FAILURES_SHOWN = 5;

    private JdbcProbe() {
    }

    public static void main(String[] args) throws Exception {
        DatabaseKind kind = DatabaseKind.valueOf(args[0]);
        int warmup = Integer.parseInt(args[1]);
        int iterations = Integer.parseInt(args[2]);
        int inserts = Integer.parseInt(args[3]);
        int poolSeconds = Integer.parseInt(args[4]);
        try (Database database = kind.start()) {
            String url = database.jdbcUrl();
            long connecting = System.nanoTime();
            try (Connection connection = DriverManager.getConnection(url)) {
                report(CONNECT, millis(System.nanoTime() - connecting));
                long reconnecting = System.nanoTime();
                DriverManager.getConnection(url).close();
                report(RECONNECT, millis(System.nanoTime() - reconnecting));
                serverSettings(connection);
                roundTrips(connection, warmup, iterations);
                inserts(connection, warmup, inserts);
                createAccounts(connection);
            }
            pool(url, poolSeconds);
            selectOnly(url, poolSeconds);
        }
    }

    /** Settings that change what a commit costs, reported as 1 (on) or 0 (off). */
    private static void serverSettings(Connection connection) throws SQLException {
        report(FSYNC, setting(connection, "fsync").equals("on") ? 1 : 0);
        report(SYNCHRONOUS_COMMIT, setting(connection, "synchronous_commit").equals("on") ? 1 : 0);
    }

    private static String setting(Connection connection, String name) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet resultSet = statement.executeQuery("SHOW " + name)) {
            resultSet.next();
            return resultSet.getString(1);
        }
    }

    private static void roundTrips(Connection connection, int warmup, int iterations) throws Exception {
        Statement statement = connection.createStatement();
        PreparedStatement prepared = connection.prepareStatement("SELECT 1");
        Map<String, Database.RoundTrip> ways = new LinkedHashMap<>();
        ways.put(STATEMENT, () -> requireOne(statement.executeQuery("SELECT 1")));
        ways.put(PREPARED, () -> requireOne(prepared.executeQuery()));
        report(WARMUP_SECONDS, RoundTripProbe.warmUp(ways.values(), warmup));
        for (Map.Entry<String, Database.RoundTrip> way : ways.entrySet()) {
            reportMicros(way.getKey(), RoundTripProbe.time(way.getValue(), iterations));
        }
        for (Map.Entry<String, Database.RoundTrip> way : ways.entrySet()) {
            long before = RoundTripProbe.allocatedBytes();
            for (int i = 0; i < iterations; i++) {
                way.getValue().run();
            }
            report(ProbeOutput.key(way.getKey(), ALLOCATED),
                    (RoundTripProbe.allocatedBytes() - before) / (double) iterations);
        }
        prepared.close();
        statement.close();
    }

    private static void requireOne(ResultSet resultSet) throws SQLException {
        try (resultSet) {
            if (!resultSet.next() || resultSet.getInt(1) != 1) {
                throw new IllegalStateException("SELECT 1 did not answer 1");
            }
        }
    }

    private static void inserts(Connection connection, int warmup, int inserts) throws Exception {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE bench_insert (id bigserial PRIMARY KEY, n integer NOT NULL, "
                    + "payload text NOT NULL)");
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO bench_insert (n, payload) VALUES (?, ?)")) {
            AtomicLong n = new AtomicLong();
            Database.RoundTrip one = () -> {
                long value = n.incrementAndGet();
                insert.setInt(1, (int) value);
                insert.setString(2, "row " + value);
                if (insert.executeUpdate() != 1) {
                    throw new IllegalStateException("INSERT did not insert one row");
                }
            };
            RoundTripProbe.warmUp(List.of(one), warmup);
            long started = System.nanoTime();
            Samples samples = RoundTripProbe.time(one, inserts);
            double seconds = (System.nanoTime() - started) / 1e9;
            reportMicros(INSERT, samples);
            report(INSERTS_PER_SECOND, inserts / seconds);
        }
        try (Statement statement = connection.createStatement();
                ResultSet count = statement.executeQuery("SELECT count(*) FROM bench_insert")) {
            count.next();
            System.out.println("bench_insert holds " + count.getLong(1) + " rows");
        }
    }

    private static void reportMicros(String way, Samples samples) {
        report(ProbeOutput.key(way, RoundTripProbe.MEDIAN), samples.median());
        report(ProbeOutput.key(way, RoundTripProbe.P99), samples.percentile(99));
        report(ProbeOutput.key(way, RoundTripProbe.MEAN), samples.mean());
        report(ProbeOutput.key(way, RoundTripProbe.MIN), samples.min());
    }

    private static void createAccounts(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE bench_account (id integer PRIMARY KEY, balance bigint NOT NULL, "
                    + "updates bigint NOT NULL)");
            statement.execute("INSERT INTO bench_account SELECT i, 0, 0 FROM generate_series(1, " + ACCOUNTS + ") i");
        }
    }

    private static void pool(String url, int seconds) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(POOL_SIZE);
        config.setAutoCommit(false);
        config.setPoolName("bench");
        try (HikariDataSource pool = new HikariDataSource(config)) {
            Workload warmUp = Workload.run(pool, POOL_WARMUP_SECONDS);
            if (warmUp.stuck() > 0) {
                stuck(warmUp);
            }
            report(POOL_WARMUP_FAILED, warmUp.failed.get());
            warmUp.printFailures("warm-up");
            long updatesBefore = updates(pool);
            Workload timed = Workload.run(pool, seconds);
            if (timed.stuck() > 0) {
                stuck(timed);
            }
            long updatesAfter = updates(pool);
            Samples latencies = timed.latencies();
            report(POOL_TPS, timed.committed.get() / timed.seconds);
            report(POOL_COMMITTED, timed.committed.get());
            report(POOL_FAILED, timed.failed.get());
            report(POOL_MISSING, timed.committed.get() - (updatesAfter - updatesBefore));
            report(POOL_STUCK, 0);
            report(POOL_MEDIAN, latencies.median());
            report(POOL_P99, latencies.percentile(99));
            report(POOL_MAX, latencies.max());
            timed.printFailures("timed run");
        }
    }

    /** Reports the stuck threads, dumps every thread's stack and halts: closing the pool could hang too. */
    private static void stuck(Workload workload) {
        report(POOL_STUCK, workload.stuck());
        report(POOL_COMMITTED, workload.committed.get());
        report(POOL_FAILED, workload.failed.get());
        workload.printFailures("stuck run");
        System.err.println("JdbcProbe: " + workload.stuck() + " pool threads still running " + STUCK_AFTER_SECONDS
                + " s after the deadline; thread dump:");
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            System.err.println("\"" + thread.getName() + "\" " + thread.getState());
            Arrays.stream(stack).forEach(frame -> System.err.println("    at " + frame));
        });
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(0);
    }

    private static long updates(HikariDataSource pool) throws SQLException {
        try (Connection connection = pool.getConnection();
                Statement statement = connection.createStatement();
                ResultSet sum = statement.executeQuery("SELECT sum(updates) FROM bench_account")) {
            sum.next();
            long value = sum.getLong(1);
            connection.commit();
            return value;
        }
    }

    /** The {@code abalance} every row of {@code pgbench_accounts} holds, so that each answer can be checked. */
    static int abalance(int aid) {
        return aid * 7919 % 100_003 - 50_000;
    }

    /**
     * pgbench-style select-only ({@code pgbench -S}): {@value #SELECT_ONLY_CLIENTS} clients, each on its own
     * connection, one random-{@code aid} {@code SELECT} per autocommit transaction, warm-up then {@code seconds}
     * timed. Transactions that start after the warm-up count; each answer must be the row's {@code abalance}.
     */
    private static void selectOnly(String url, int seconds) throws Exception {
        List<Connection> connections = new ArrayList<>();
        try {
            for (int i = 0; i < SELECT_ONLY_CLIENTS; i++) {
                connections.add(DriverManager.getConnection(url));
            }
            try (Statement statement = connections.get(0).createStatement()) {
                statement.execute("CREATE TABLE pgbench_accounts (aid integer PRIMARY KEY, bid integer, "
                        + "abalance integer, filler char(84))");
                statement.execute("INSERT INTO pgbench_accounts SELECT aid, 1, aid * 7919 % 100003 - 50000, '' "
                        + "FROM generate_series(1, " + SELECT_ONLY_ROWS + ") aid");
                statement.execute("VACUUM ANALYZE pgbench_accounts");
            }
            AtomicLong transactions = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            AtomicLong wrong = new AtomicLong();
            long warmedUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(POOL_WARMUP_SECONDS);
            long deadline = warmedUp + TimeUnit.SECONDS.toNanos(seconds);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < SELECT_ONLY_CLIENTS; i++) {
                Connection connection = connections.get(i);
                threads.add(new Thread(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    try (PreparedStatement select = connection.prepareStatement(
                            "SELECT abalance FROM pgbench_accounts WHERE aid = ?")) {
                        select.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(1);
                        long now;
                        while ((now = System.nanoTime()) < deadline) {
                            boolean timed = now >= warmedUp;
                            int aid = 1 + random.nextInt(SELECT_ONLY_ROWS);
                            try {
                                select.setInt(1, aid);
                                try (ResultSet answer = select.executeQuery()) {
                                    if (!answer.next() || answer.getInt(1) != abalance(aid) || answer.next()) {
                                        wrong.incrementAndGet();
                                    }
                                }
                                if (timed) {
                                    transactions.incrementAndGet();
                                }
                            } catch (SQLException | RuntimeException e) {
                                if (failed.getAndIncrement() == 0) {
                                    e.printStackTrace();
                                }
                            }
                        }
                    } catch (SQLException e) {
                        failed.incrementAndGet();
                        e.printStackTrace();
                    }
                }, "select-only-client-" + i));
            }
            threads.forEach(Thread::start);
            long joinBy = deadline + TimeUnit.SECONDS.toNanos(STUCK_AFTER_SECONDS);
            for (Thread thread : threads) {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(joinBy - System.nanoTime())));
            }
            double timedSeconds = (System.nanoTime() - warmedUp) / 1e9;
            long stuck = threads.stream().filter(Thread::isAlive).count();
            report(SELECT_ONLY_TPS, transactions.get() / timedSeconds);
            report(SELECT_ONLY_COUNT, transactions.get());
            report(SELECT_ONLY_FAILED, failed.get());
            report(SELECT_ONLY_WRONG, wrong.get());
            report(SELECT_ONLY_STUCK, stuck);
            if (stuck > 0) {
                System.err.println("JdbcProbe: " + stuck + " select-only clients still running " + STUCK_AFTER_SECONDS
                        + " s after the deadline");
                System.out.flush();
                System.err.flush();
                Runtime.getRuntime().halt(0);
            }
        } finally {
            for (Connection connection : connections) {
                connection.close();
            }
        }
    }

    /** One run of the pool's threads until a deadline: what they committed, what failed, how long each took. */
    private static final class Workload {
        final AtomicLong committed = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
        final List<Thread> threads = new ArrayList<>();
        final List<double[]> samples = new ArrayList<>();
        final int[] counts = new int[POOL_THREADS];
        double seconds;

        static Workload run(HikariDataSource pool, int seconds) throws InterruptedException {
            Workload workload = new Workload();
            long started = System.nanoTime();
            long deadline = started + TimeUnit.SECONDS.toNanos(seconds);
            for (int i = 0; i < POOL_THREADS; i++) {
                int index = i;
                workload.samples.add(new double[1024]);
                Thread thread = new Thread(() -> workload.loop(pool, index, deadline), "pool-worker-" + i);
                workload.threads.add(thread);
            }
            workload.threads.forEach(Thread::start);
            long joinBy = deadline + TimeUnit.SECONDS.toNanos(STUCK_AFTER_SECONDS);
            for (Thread thread : workload.threads) {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(joinBy - System.nanoTime())));
            }
            workload.seconds = (System.nanoTime() - started) / 1e9;
            return workload;
        }

        long stuck() {
            return threads.stream().filter(Thread::isAlive).count();
        }

        private void loop(HikariDataSource pool, int index, long deadline) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            while (System.nanoTime() < deadline) {
                int account = 1 + random.nextInt(ACCOUNTS);
                long before = System.nanoTime();
                try {
                    transaction(pool, account, 1 + random.nextInt(100));
                    committed.incrementAndGet();
                    record(index, millis(System.nanoTime() - before));
                } catch (SQLException | RuntimeException e) {
                    failed.incrementAndGet();
                    String key = e.getClass().getSimpleName() + (e instanceof SQLException sql
                            ? " [" + sql.getSQLState() + "]" : "") + ": " + e.getMessage();
                    if (failures.computeIfAbsent(key, k -> new AtomicLong()).getAndIncrement() == 0
                            && failures.size() == 1) {
                        e.printStackTrace();
                    }
                }
            }
        }

        private static void transaction(HikariDataSource pool, int account, int amount) throws SQLException {
            try (Connection connection = pool.getConnection()) {
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE bench_account SET balance = balance + ?, updates = updates + 1 WHERE id = ?");
                        PreparedStatement select = connection.prepareStatement(
                                "SELECT balance FROM bench_account WHERE id = ?")) {
                    update.setLong(1, amount);
                    update.setInt(2, account);
                    if (update.executeUpdate() != 1) {
                        throw new IllegalStateException("UPDATE of account " + account + " did not update one row");
                    }
                    select.setInt(1, account);
                    try (ResultSet balance = select.executeQuery()) {
                        if (!balance.next() || balance.getLong(1) < amount) {
                            throw new IllegalStateException("SELECT of account " + account + " answered no balance");
                        }
                    }
                    connection.commit();
                } catch (SQLException | RuntimeException e) {
                    try {
                        connection.rollback();
                    } catch (SQLException rollback) {
                        e.addSuppressed(rollback);
                    }
                    throw e;
                }
            }
        }

        private void record(int index, double value) {
            double[] own = samples.get(index);
            if (counts[index] == own.length) {
                own = Arrays.copyOf(own, own.length * 2);
                samples.set(index, own);
            }
            own[counts[index]++] = value;
        }

        Samples latencies() {
            double[] all = new double[Arrays.stream(counts).sum()];
            int at = 0;
            for (int i = 0; i < POOL_THREADS; i++) {
                System.arraycopy(samples.get(i), 0, all, at, counts[i]);
                at += counts[i];
            }
            return all.length == 0 ? new Samples(new double[] {Double.NaN}) : new Samples(all);
        }

        void printFailures(String phase) {
            failures.entrySet().stream().limit(FAILURES_SHOWN).forEach(failure ->
                    System.out.println("pool " + phase + ": " + failure.getValue() + " failed with " + failure.getKey()));
            if (failures.size() > FAILURES_SHOWN) {
                System.out.println("pool " + phase + ": " + (failures.size() - FAILURES_SHOWN) + " other failures");
            }
        }
    }
}
