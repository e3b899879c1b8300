package io.pglite.core.server;

import static io.pglite.core.server.PgjdbcTest.connect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pglite.core.Pglite;
import io.pglite.core.SharedPglite;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** Many connections, one backend: turns, isolation of protocol state, clean-up, cancel, notifications. */
class ConcurrencyTest {
    @RegisterExtension
    static final SharedPglite PG = new SharedPglite();

    private static int count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getInt(1);
        }
    }

    /** Clean-up after a disconnect runs on the backend soon after, as a PostgreSQL backend's exit does. */
    private static void awaitCount(Connection c, String sql, int expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int actual;
        while ((actual = count(c, sql)) != expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(expected, actual, sql);
    }

    @Test
    void poolOfTenWithEightThreadsLosesNoUpdate() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(PG.get().jdbcUrl());
        config.setUsername("postgres");
        config.setMaximumPoolSize(10);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE counter (id int PRIMARY KEY, value int NOT NULL)");
                s.execute("INSERT INTO counter VALUES (1, 0)");
            }
            int threads = 8;
            int transactions = 60;
            ExecutorService executor = Executors.newFixedThreadPool(threads);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(executor.submit(() -> {
                    for (int i = 0; i < transactions; i++) {
                        try (Connection c = pool.getConnection()) {
                            c.setAutoCommit(false);
                            int value;
                            try (PreparedStatement read = c.prepareStatement("SELECT value FROM counter WHERE id = 1");
                                 ResultSet rs = read.executeQuery()) {
                                rs.next();
                                value = rs.getInt(1);
                            }
                            try (PreparedStatement write = c.prepareStatement("UPDATE counter SET value = ? WHERE id = 1")) {
                                write.setInt(1, value + 1); // a lost update would show if two transactions interleaved
                                write.executeUpdate();
                            }
                            c.commit();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(120, TimeUnit.SECONDS);
            }
            executor.shutdown();
            try (Connection c = pool.getConnection()) {
                assertEquals(threads * transactions, count(c, "SELECT value FROM counter"));
            }
        }
    }

    @Test
    void sameStatementNamesOnTwoConnectionsDoNotClash() throws SQLException {
        try (Connection a = connect(PG.get(), "prepareThreshold", "1"); Connection b = connect(PG.get(), "prepareThreshold", "1");
             PreparedStatement onA = a.prepareStatement("SELECT 'a' || ?::text");
             PreparedStatement onB = b.prepareStatement("SELECT ?::int + 1000")) {
            for (int i = 0; i < 5; i++) { // both become S_1 on their connection: interleaved, each keeps its own
                onA.setString(1, "x" + i);
                onB.setInt(1, i);
                try (ResultSet ra = onA.executeQuery(); ResultSet rb = onB.executeQuery()) {
                    assertTrue(ra.next());
                    assertTrue(rb.next());
                    assertEquals("ax" + i, ra.getString(1));
                    assertEquals(1000 + i, rb.getInt(1));
                }
            }
        }
    }

    @Test
    void aTransactionHoldsTheBackendAndOthersWaitForIt() throws Exception {
        try (Connection a = connect(PG.get()); Connection b = connect(PG.get()); Statement sa = a.createStatement()) {
            sa.execute("CREATE TABLE held (x int)");
            a.setAutoCommit(false);
            sa.execute("INSERT INTO held VALUES (1)");
            CompletableFuture<Integer> other = CompletableFuture.supplyAsync(() -> {
                try {
                    return count(b, "SELECT count(*) FROM held");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(300);
            assertFalse(other.isDone(), "the other connection waits while the transaction is open");
            sa.execute("INSERT INTO held VALUES (2)");
            a.commit();
            assertEquals(2, other.get(10, TimeUnit.SECONDS), "it then sees the committed rows");
        }
    }

    @Test
    void waitingLongerThanTheTimeoutGivesAClearErrorAndNoHang() throws Exception {
        try (Pglite short_ = Pglite.builder().withConnectionWaitTimeout(Duration.ofMillis(500)).start();
             Connection a = connect(short_); Connection b = connect(short_)) {
            a.setAutoCommit(false);
            a.createStatement().execute("SELECT 1");
            SQLException timeout = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> assertThrows(SQLException.class, () -> count(b, "SELECT 1")));
            assertEquals("57014", timeout.getSQLState());
            assertTrue(timeout.getMessage().contains("timed out after 500 ms waiting for the PGlite backend"), timeout.getMessage());
            assertTrue(timeout.getMessage().contains("in a transaction"), timeout.getMessage());
            a.commit();
            assertEquals(1, count(b, "SELECT 1"), "the waiting connection works once the backend is free");
            PreparedStatement ps = b.prepareStatement("SELECT ?::int");
            a.createStatement().execute("SELECT 2"); // keeps a's transaction open again
            ps.setInt(1, 5);
            assertEquals("57014", assertThrows(SQLException.class, ps::executeQuery).getSQLState());
            a.commit();
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertEquals(5, rs.getInt(1), "after an abandoned extended-protocol batch the connection is in step");
            }
        }
    }

    @Test
    void aClientThatDisappearsMidTransactionIsRolledBackAndReleasesTheBackend() throws Exception {
        try (Connection observer = connect(PG.get()); Statement s = observer.createStatement()) {
            s.execute("CREATE TABLE abandoned (x int)");
            try (Socket raw = RawClient.connect(PG.get())) {
                RawClient.query(raw, "BEGIN");
                RawClient.query(raw, "INSERT INTO abandoned VALUES (1)");
                RawClient.query(raw, "LISTEN abandoned_channel");
                raw.setSoLinger(true, 0); // a reset, not a goodbye
            }
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                assertEquals(0, count(observer, "SELECT count(*) FROM abandoned"));
            });
            awaitCount(observer, "SELECT count(*) FROM pg_listening_channels()", 0);
        }
    }

    @Test
    void aDisconnectedClientsPreparedStatementsAreRemoved() throws Exception {
        try (Connection observer = connect(PG.get())) {
            int before = count(observer, "SELECT count(*) FROM pg_prepared_statements");
            try (Connection c = connect(PG.get(), "prepareThreshold", "1")) {
                for (int i = 0; i < 3; i++) {
                    try (PreparedStatement ps = c.prepareStatement("SELECT " + i + " + ?::int")) {
                        ps.setInt(1, 1);
                        ps.executeQuery().close();
                        ps.executeQuery().close();
                    }
                }
                assertTrue(count(observer, "SELECT count(*) FROM pg_prepared_statements") > before);
            }
            awaitCount(observer, "SELECT count(*) FROM pg_prepared_statements", before);
        }
    }

    @Test
    void notificationsReachTheConnectionsThatListenAndNoOther() throws Exception {
        try (Connection listener = connect(PG.get()); Connection bystander = connect(PG.get()); Connection notifier = connect(PG.get())) {
            listener.createStatement().execute("LISTEN jobs");
            notifier.createStatement().execute("NOTIFY jobs, 'first'");
            PGNotification[] received = listener.unwrap(PGConnection.class).getNotifications(5000);
            assertEquals(1, received.length);
            assertEquals("jobs", received[0].getName());
            assertEquals("first", received[0].getParameter());
            assertEquals(0, bystander.unwrap(PGConnection.class).getNotifications(200).length, "not listening: nothing delivered");
            assertEquals(0, notifier.unwrap(PGConnection.class).getNotifications(200).length, "the sender does not listen either");

            bystander.createStatement().execute("LISTEN jobs");
            bystander.createStatement().execute("UNLISTEN jobs");
            notifier.createStatement().execute("NOTIFY jobs, 'second'");
            received = listener.unwrap(PGConnection.class).getNotifications(5000);
            assertEquals(1, received.length, "another connection's UNLISTEN does not stop this one's LISTEN");
            assertEquals("second", received[0].getParameter());
            listener.createStatement().execute("UNLISTEN *");
            notifier.createStatement().execute("NOTIFY jobs, 'third'");
            assertEquals(0, listener.unwrap(PGConnection.class).getNotifications(300).length);
        }
    }

    @Test
    void cancelStopsALongStatementAndTheConnectionCarriesOn() throws Exception {
        try (Connection c = connect(PG.get()); Statement s = c.createStatement()) {
            for (String sql : new String[] {"SELECT pg_sleep(30)", "SELECT count(*) FROM generate_series(1, 10000000000)"}) {
                AtomicBoolean cancelled = new AtomicBoolean();
                CompletableFuture<Void> canceller = CompletableFuture.runAsync(() -> {
                    try {
                        Thread.sleep(700);
                        s.cancel();
                        cancelled.set(true);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                long started = System.nanoTime();
                SQLException e = assertThrows(SQLException.class, () -> s.execute(sql));
                assertEquals("57014", e.getSQLState(), e.getMessage());
                assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(10), "cancelled promptly: " + sql);
                canceller.get(5, TimeUnit.SECONDS);
                assertTrue(cancelled.get());
                assertEquals(3, count(c, "SELECT 3"));
            }
        }
    }

    @Test
    void closingTheInstanceWithATransactionOpenRollsItBackWithoutHanging() throws Exception {
        Pglite own = Pglite.start();
        Connection c = connect(own);
        c.setAutoCommit(false);
        c.createStatement().execute("CREATE TABLE pending (x int)");
        assertTimeoutPreemptively(Duration.ofSeconds(20), own::close);
        assertThrows(SQLException.class, () -> c.createStatement().execute("SELECT 1"), "the connection was closed");
        c.close();
    }

    @Test
    void aCancelWithTheWrongKeyIsIgnored() throws Exception {
        try (Connection c = connect(PG.get()); Statement s = c.createStatement()) {
            CompletableFuture<Boolean> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return s.execute("SELECT pg_sleep(1.5)");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(300);
            try (Socket cancel = new Socket(PG.get().host(), PG.get().port())) {
                DataOutputStream out = new DataOutputStream(cancel.getOutputStream());
                out.writeInt(16);
                out.writeInt(80877102);
                out.writeInt(1001);
                out.writeInt(12345); // not the secret
                out.flush();
                assertEquals(-1, cancel.getInputStream().read(), "the server closes a cancel connection without a word");
            }
            assertTrue(run.get(10, TimeUnit.SECONDS));
        }
    }

    /** A minimal protocol-3 client over a raw socket, for what pgjdbc cannot be made to do. */
    static final class RawClient {
        private RawClient() {
        }

        static Socket connect(Pglite instance) throws IOException {
            Socket socket = new Socket(instance.host(), instance.port());
            socket.setSoTimeout(10_000);
            byte[] params = "user\0postgres\0database\0postgres\0\0".getBytes(StandardCharsets.UTF_8);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(8 + params.length);
            out.writeInt(196608);
            out.write(params);
            out.flush();
            readUntilReady(socket);
            return socket;
        }

        static void query(Socket socket, String sql) throws IOException {
            byte[] text = sql.getBytes(StandardCharsets.UTF_8);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeByte('Q');
            out.writeInt(5 + text.length);
            out.write(text);
            out.writeByte(0);
            out.flush();
            readUntilReady(socket);
        }

        /** Reads messages up to ReadyForQuery; returns its status. */
        static char readUntilReady(Socket socket) throws IOException {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            while (true) {
                int type = in.readUnsignedByte();
                byte[] body = new byte[in.readInt() - 4];
                in.readFully(body);
                if (type == 'Z') {
                    return (char) body[0];
                }
            }
        }
    }
}
