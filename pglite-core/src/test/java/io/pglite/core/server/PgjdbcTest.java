package io.pglite.core.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pglite.core.Pglite;
import io.pglite.core.SharedPglite;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.PGStatement;
import org.postgresql.copy.CopyManager;

/** pgjdbc against the server: the features applications use, each checked by its result. */
class PgjdbcTest {
    @RegisterExtension
    static final SharedPglite PG = new SharedPglite();

    static Connection connect(Pglite instance, String... properties) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        for (int i = 0; i < properties.length; i += 2) {
            props.setProperty(properties[i], properties[i + 1]);
        }
        return DriverManager.getConnection(instance.jdbcUrl(), props);
    }

    @Test
    void jdbcUrlPointsAtTheBoundLoopbackPort() {
        assertEquals("jdbc:postgresql://127.0.0.1:" + PG.get().port() + "/postgres", PG.get().jdbcUrl());
        assertTrue(PG.get().port() > 0);
    }

    @Test
    void simpleStatementsRun() throws SQLException {
        try (Connection c = connect(PG.get()); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT 1 + 1, 'text'")) {
                assertTrue(rs.next());
                assertEquals(2, rs.getInt(1));
                assertEquals("text", rs.getString(2));
            }
            assertFalse(s.execute("CREATE TEMP TABLE simple_t (x int)"));
            assertEquals(3, s.executeUpdate("INSERT INTO simple_t SELECT generate_series(1, 3)"));
        }
    }

    @Test
    void preparedStatementsPastPrepareThresholdUseServerSideStatements() throws SQLException {
        try (Connection c = connect(PG.get(), "prepareThreshold", "2");
             PreparedStatement ps = c.prepareStatement("SELECT ?::int * 10 + ?::int")) {
            for (int i = 0; i < 10; i++) {
                ps.setInt(1, i);
                ps.setInt(2, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(i * 10 + 1, rs.getInt(1));
                }
            }
            assertTrue(ps.unwrap(PGStatement.class).isUseServerPrepare(), "pgjdbc switched to a named server statement");
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'c%:S\\_%'")) {
                assertTrue(rs.next());
                assertTrue(rs.getInt(1) >= 1, "the server-side statement exists under the connection's prefix");
            }
        }
    }

    @Test
    void binaryTransferOfParametersAndResults() throws SQLException {
        try (Connection c = connect(PG.get(), "prepareThreshold", "-1", "binaryTransfer", "true");
             PreparedStatement ps = c.prepareStatement("SELECT ?::int8 + 1, ?::float8 * 2, ?::bytea, ?::numeric")) {
            ps.setLong(1, 1L << 40);
            ps.setDouble(2, 1.25);
            ps.setBytes(3, new byte[] {0, 1, 2, (byte) 255});
            ps.setBigDecimal(4, new BigDecimal("12345.678"));
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertEquals((1L << 40) + 1, rs.getLong(1));
                assertEquals(2.5, rs.getDouble(2));
                assertArrayEquals(new byte[] {0, 1, 2, (byte) 255}, rs.getBytes(3));
                assertEquals(new BigDecimal("12345.678"), rs.getBigDecimal(4));
            }
        }
    }

    @Test
    void batchesInsertEveryRow() throws SQLException {
        try (Connection c = connect(PG.get()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE batch_t (id int PRIMARY KEY, name text)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO batch_t VALUES (?, ?)")) {
                for (int i = 0; i < 500; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, "row " + i);
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                assertEquals(500, counts.length);
            }
            s.addBatch("INSERT INTO batch_t VALUES (1000, 'a')");
            s.addBatch("UPDATE batch_t SET name = 'b' WHERE id = 1000");
            assertArrayEquals(new int[] {1, 1}, s.executeBatch());
            try (ResultSet rs = s.executeQuery("SELECT count(*), sum(id) FROM batch_t")) {
                assertTrue(rs.next());
                assertEquals(501, rs.getInt(1));
                assertEquals(499 * 500 / 2 + 1000, rs.getInt(2));
            }
        }
    }

    @Test
    void copyInAndOutThroughCopyManager() throws Exception {
        try (Connection c = connect(PG.get()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE copy_t (id int, name text)");
            StringBuilder data = new StringBuilder();
            for (int i = 0; i < 20_000; i++) {
                data.append(i).append('\t').append("name ").append(i).append('\n');
            }
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            assertEquals(20_000, copy.copyIn("COPY copy_t FROM STDIN", new StringReader(data.toString()), 4096));
            StringWriter out = new StringWriter();
            assertEquals(20_000, copy.copyOut("COPY (SELECT * FROM copy_t ORDER BY id) TO STDOUT", out));
            assertEquals(data.toString(), out.toString());
            SQLException bad = assertThrows(SQLException.class,
                    () -> copy.copyIn("COPY copy_t FROM STDIN", new StringReader("not-a-number\tx\n")));
            assertEquals("22P02", bad.getSQLState());
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM copy_t")) {
                assertTrue(rs.next());
                assertEquals(20_000, rs.getInt(1), "the failed COPY left nothing and the connection still works");
            }
        }
    }

    @Test
    void generatedKeysAreReturned() throws SQLException {
        try (Connection c = connect(PG.get()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE keys_t (id serial PRIMARY KEY, name text)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO keys_t (name) VALUES (?)", Statement.RETURN_GENERATED_KEYS)) {
                for (int expected = 1; expected <= 3; expected++) {
                    ps.setString(1, "n" + expected);
                    ps.executeUpdate();
                    try (ResultSet keys = ps.getGeneratedKeys()) {
                        assertTrue(keys.next());
                        assertEquals(expected, keys.getInt("id"));
                    }
                }
            }
        }
    }

    @Test
    void transactionsAndSavepoints() throws SQLException {
        try (Connection c = connect(PG.get()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE tx_t (x int)");
            c.setAutoCommit(false);
            s.execute("INSERT INTO tx_t VALUES (1)");
            Savepoint savepoint = c.setSavepoint();
            s.execute("INSERT INTO tx_t VALUES (2)");
            c.rollback(savepoint);
            s.execute("INSERT INTO tx_t VALUES (3)");
            c.commit();
            s.execute("INSERT INTO tx_t VALUES (4)");
            c.rollback();
            SQLException error = assertThrows(SQLException.class, () -> s.execute("SELECT 1/0"));
            assertEquals("22012", error.getSQLState());
            assertThrows(SQLException.class, () -> s.execute("SELECT 1"), "the aborted transaction refuses statements");
            c.rollback();
            c.setAutoCommit(true);
            try (ResultSet rs = s.executeQuery("SELECT string_agg(x::text, ',' ORDER BY x) FROM tx_t")) {
                assertTrue(rs.next());
                assertEquals("1,3", rs.getString(1));
            }
        }
    }

    @Test
    void arraysJsonTimestampsByteaAndUuidRoundTrip() throws SQLException {
        UUID uuid = UUID.randomUUID();
        OffsetDateTime time = OffsetDateTime.of(2026, 11, 24, 10, 30, 15, 123_456_000, ZoneOffset.ofHours(2));
        byte[] bytes = new byte[1000];
        new java.util.Random(7).nextBytes(bytes);
        try (Connection c = connect(PG.get(), "prepareThreshold", "1"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE types_t (a int[], t text[], j json, jb jsonb, ts timestamptz, b bytea, u uuid)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO types_t VALUES (?, ?, ?::json, ?::jsonb, ?, ?, ?)")) {
                for (int i = 0; i < 3; i++) { // past prepareThreshold: binary parameters on the later rounds
                    ps.setArray(1, c.createArrayOf("int4", new Integer[] {1, 2, i}));
                    ps.setArray(2, c.createArrayOf("text", new String[] {"a", "b,c", null}));
                    ps.setString(3, "{\"k\": [1, 2]}");
                    ps.setString(4, "{\"b\": 1, \"a\": {\"n\": null}}");
                    ps.setObject(5, time);
                    ps.setBytes(6, bytes);
                    ps.setObject(7, uuid);
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT a, t, j, jb, ts, b, u, jb->'a' FROM types_t")) {
                for (int round = 0; round < 2; round++) {
                    try (ResultSet rs = ps.executeQuery()) {
                        for (int i = 0; i < 3; i++) {
                            assertTrue(rs.next());
                            Array ints = rs.getArray(1);
                            assertArrayEquals(new Integer[] {1, 2, i}, (Integer[]) ints.getArray());
                            assertArrayEquals(new String[] {"a", "b,c", null}, (String[]) rs.getArray(2).getArray());
                            assertEquals("{\"k\": [1, 2]}", rs.getString(3));
                            assertEquals("{\"a\": {\"n\": null}, \"b\": 1}", rs.getString(4));
                            assertEquals(time.toInstant(), rs.getObject(5, OffsetDateTime.class).toInstant());
                            assertArrayEquals(bytes, rs.getBytes(6));
                            assertEquals(uuid, rs.getObject(7, UUID.class));
                            assertEquals("{\"n\": null}", rs.getString(8));
                        }
                        assertFalse(rs.next());
                    }
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT now() > '2020-01-01'::timestamptz, '2026-01-01 00:00:00+00'::timestamptz")) {
                assertTrue(rs.next());
                assertTrue(rs.getBoolean(1));
                assertEquals(Instant.parse("2026-01-01T00:00:00Z"), rs.getTimestamp(2).toInstant());
            }
        }
    }

    @Test
    void errorsLeaveTheConnectionUsable() throws SQLException {
        try (Connection c = connect(PG.get()); Statement s = c.createStatement()) {
            SQLException syntax = assertThrows(SQLException.class, () -> s.execute("SELEC 1"));
            assertEquals("42601", syntax.getSQLState());
            SQLException missing = assertThrows(SQLException.class, () -> s.execute("SELECT * FROM no_such_table"));
            assertEquals("42P01", missing.getSQLState());
            try (ResultSet rs = s.executeQuery("SELECT 7")) {
                assertTrue(rs.next());
                assertEquals(7, rs.getInt(1));
            }
        }
    }

    @Test
    void noticesReachTheClient() throws SQLException {
        try (Connection c = connect(PG.get()); Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN RAISE NOTICE 'hello from plpgsql'; END $$");
            assertEquals("hello from plpgsql", s.getWarnings().getMessage());
        }
    }

    @Test
    void aMillionRowsStreamToAFetchingClient() throws SQLException {
        try (Connection c = connect(PG.get())) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.setFetchSize(5000);
                long count = 0;
                long sum = 0;
                try (ResultSet rs = s.executeQuery("SELECT g FROM generate_series(1, 1000000) g")) {
                    while (rs.next()) {
                        count++;
                        sum += rs.getInt(1);
                    }
                }
                assertEquals(1_000_000, count);
                assertEquals(1_000_000L * 1_000_001 / 2, sum);
            }
            c.commit();
        }
    }
}
