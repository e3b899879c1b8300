package io.pglite.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An instance serving a database other than postgres: created at start, kept by snapshots and directories. */
class DatabaseTest {

    @Test
    void anInMemoryInstanceServesTheDatabaseItWasGivenAndNoOther() throws SQLException {
        try (Pglite pg = Pglite.builder().withDatabase("orders").start()) {
            assertEquals("orders", pg.database());
            assertTrue(pg.jdbcUrl().endsWith(":" + pg.port() + "/orders"), pg.jdbcUrl());
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), "postgres", "")) {
                assertEquals("orders", currentDatabase(c));
                c.createStatement().execute("CREATE TABLE items (id int)");
                c.createStatement().execute("INSERT INTO items VALUES (1), (2)");
            }
            assertEquals("orders", pg.query("SELECT current_database()").singleValue());
            assertEquals("2", pg.query("SELECT count(*) FROM items").singleValue());
            assertRefused(pg, "postgres");
        }
    }

    @Test
    void aNameThatNeedsQuotingAndUrlEncodingWorks() throws SQLException {
        String name = "Bestellungen \"ü\" 100% a+b/c";
        try (Pglite pg = Pglite.builder().withDatabase(name).start();
             Connection c = DriverManager.getConnection(pg.jdbcUrl(), "postgres", "")) {
            assertEquals(name, currentDatabase(c));
        }
    }

    @Test
    void invalidNamesAreRefusedAtOnce() {
        String longest = "é".repeat(31) + "x"; // 63 bytes in UTF-8
        Pglite.builder().withDatabase(longest).withDatabase("template1");
        for (String name : new String[] {null, "", "  ", "a\0b", longest + "x", "template0"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pglite.builder().withDatabase(name));
            assertTrue(e.getMessage().startsWith("database: '"), e.getMessage());
            assertTrue(e.getMessage().contains("(expected: a non-blank name of at most 63 bytes in UTF-8"), e.getMessage());
        }
    }

    @Test
    void snapshotsRestoresClonesAndFilesKeepTheDatabase(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("orders.snapshot");
        try (Pglite pg = Pglite.builder().withDatabase("orders").start()) {
            pg.query("CREATE TABLE items (id int)");
            Snapshot snapshot = pg.snapshot();
            assertEquals("orders", snapshot.database());
            pg.query("INSERT INTO items VALUES (1)");
            pg.restore(snapshot);
            assertEquals("0", pg.query("SELECT count(*) FROM items").singleValue());
            assertEquals("orders", pg.query("SELECT current_database()").singleValue());

            try (Pglite clone = Pglite.builder().withSnapshot(snapshot).start()) {
                assertServes(clone, "orders");
            }
            try (Pglite clone = Pglite.builder().withSnapshot(snapshot).withDatabase("orders").start()) {
                assertEquals("orders", clone.database());
            }
            IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                    () -> Pglite.builder().withDatabase("postgres").withSnapshot(snapshot).start());
            assertTrue(other.getMessage().contains("database: 'postgres' (expected: 'orders', the database of the snapshot"),
                    other.getMessage());
            try (Pglite onPostgres = Pglite.start()) {
                IllegalArgumentException restore = assertThrows(IllegalArgumentException.class, () -> onPostgres.restore(snapshot));
                assertTrue(restore.getMessage().contains("the snapshot is of database 'orders', this instance serves 'postgres'"),
                        restore.getMessage());
            }
            snapshot.writeTo(file);
        }
        Snapshot read = Snapshot.readFrom(file);
        assertEquals("orders", read.database());
        try (Pglite clone = Pglite.builder().withSnapshot(read).start()) {
            assertServes(clone, "orders");
        }
    }

    @Test
    void aDirectoryKeepsItsDatabaseAcrossReopenAndGetsANewOneWhenAskedFor(@TempDir Path dir) throws SQLException {
        DataDirectory data = DataDirectory.at(dir.resolve("cluster"));
        String oid;
        try (Pglite pg = Pglite.builder().withDataDirectory(data).withDatabase("orders").start()) {
            pg.query("CREATE TABLE kept (x text)");
            pg.query("INSERT INTO kept VALUES ('survives')");
            oid = pg.query("SELECT oid FROM pg_database WHERE datname = 'orders'").singleValue();
        }
        try (Pglite pg = Pglite.builder().withDataDirectory(data).withDatabase("orders").start()) {
            assertServes(pg, "orders");
            assertEquals("survives", pg.query("SELECT x FROM kept").singleValue());
            assertEquals(oid, pg.query("SELECT oid FROM pg_database WHERE datname = 'orders'").singleValue(),
                    "the same database, not created again");
        }
        try (Pglite pg = Pglite.builder().withDataDirectory(data).start()) {
            assertEquals("postgres", pg.query("SELECT current_database()").singleValue());
            assertEquals("0", pg.query("SELECT count(*) FROM pg_class WHERE relname = 'kept'").singleValue());
        }
        try (Pglite pg = Pglite.builder().withDataDirectory(data).withDatabase("later").start()) {
            assertServes(pg, "later"); // the reopened cluster lacked it: created then
            assertEquals("postgres,orders,later", pg.query(
                    "SELECT string_agg(datname, ',' ORDER BY oid) FROM pg_database WHERE datname NOT LIKE 'template%'").singleValue());
        }
    }

    /** Serves {@code database} over JDBC and refuses postgres. */
    private static void assertServes(Pglite pg, String database) throws SQLException {
        assertEquals(database, pg.database());
        assertTrue(pg.jdbcUrl().endsWith("/" + database), pg.jdbcUrl());
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), "postgres", "")) {
            assertEquals(database, currentDatabase(c));
        }
        assertRefused(pg, "postgres");
    }

    private static void assertRefused(Pglite pg, String database) {
        String url = "jdbc:postgresql://" + pg.host() + ":" + pg.port() + "/" + database;
        SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(url, "postgres", "").close());
        assertEquals("3D000", e.getSQLState());
        assertTrue(e.getMessage().contains("serves one database: \"" + pg.database() + "\""), e.getMessage());
    }

    private static String currentDatabase(Connection c) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery("SELECT current_database()")) {
            assertTrue(rs.next());
            return rs.getString(1);
        }
    }
}
