package io.pglite.core.server;

import static io.pglite.core.server.PgjdbcTest.connect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pglite.core.DataDirectory;
import io.pglite.core.Pglite;
import io.pglite.core.PgliteStartupException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Binding, authentication and the startup checks of the server. */
class ServerTest {
    @Test
    void aPortInUseIsNamedInTheError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            PgliteStartupException e = assertThrows(PgliteStartupException.class,
                    () -> Pglite.builder().withPort(taken.getLocalPort()).start());
            assertTrue(e.getMessage().contains("port " + taken.getLocalPort() + " on 127.0.0.1 is already in use"), e.getMessage());
            assertTrue(e.getMessage().contains("port 0 for a free one"), e.getMessage());
        }
    }

    /** The engine starts while the server binds; when the bind fails, the engine is shut down as by a close. */
    @Test
    void aPortInUseLeavesADataDirectoryAsAfterAClose(@TempDir Path dir) throws Exception {
        try (Pglite first = Pglite.builder().withDataDirectory(DataDirectory.at(dir)).start()) {
            first.query("CREATE TABLE kept (x int)");
            first.query("INSERT INTO kept VALUES (7)");
        }
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThrows(PgliteStartupException.class,
                    () -> Pglite.builder().withDataDirectory(DataDirectory.at(dir)).withPort(taken.getLocalPort()).start());
        }
        assertFalse(Files.exists(dir.resolve("postmaster.pid")), "the backend of the failed start ran its shutdown");
        try (Pglite again = Pglite.builder().withDataDirectory(DataDirectory.at(dir)).start()) {
            assertEquals("7", again.query("SELECT x FROM kept").singleValue());
        }
    }

    @Test
    void aFixedPortIsUsedAndTwoInstancesGetTheirOwnFreePorts() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        try (Pglite fixed = Pglite.builder().withPort(port).start(); Pglite free = Pglite.start();
             Connection a = connect(fixed); Connection b = connect(free)) {
            assertEquals(port, fixed.port());
            assertTrue(free.port() != port);
            a.createStatement().execute("CREATE TABLE only_in_fixed (x int)");
            assertThrows(SQLException.class, () -> b.createStatement().execute("SELECT * FROM only_in_fixed"));
        }
    }

    @Test
    void passwordsAreCheckedWithScram() throws Exception {
        try (Pglite secured = Pglite.builder().withCredentials("app", "s3cret").start()) {
            try (Connection c = DriverManager.getConnection(secured.jdbcUrl(), "app", "s3cret");
                 ResultSet rs = c.createStatement().executeQuery("SELECT 1")) {
                assertTrue(rs.next());
            }
            SQLException wrong = assertThrows(SQLException.class,
                    () -> DriverManager.getConnection(secured.jdbcUrl(), "app", "wrong"));
            assertEquals("28P01", wrong.getSQLState());
            assertTrue(wrong.getMessage().contains("password authentication failed for user \"app\""), wrong.getMessage());
            SQLException otherUser = assertThrows(SQLException.class,
                    () -> DriverManager.getConnection(secured.jdbcUrl(), "postgres", "s3cret"));
            assertEquals("28P01", otherUser.getSQLState());
            assertThrows(SQLException.class, () -> DriverManager.getConnection(secured.jdbcUrl(), "app", ""));
        }
    }

    @Test
    void anotherDatabaseIsRefusedWithTheOneThatExists() throws Exception {
        try (Pglite pg = Pglite.start()) {
            Properties props = new Properties();
            props.setProperty("user", "postgres");
            SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(
                    "jdbc:postgresql://127.0.0.1:" + pg.port() + "/inventory", props));
            assertEquals("3D000", e.getSQLState());
            assertTrue(e.getMessage().contains("database \"inventory\" does not exist"), e.getMessage());
        }
    }

    @Test
    void clientStartupSettingsAreApplied() throws Exception {
        try (Pglite pg = Pglite.start();
             Connection c = connect(pg, "options", "-c statement_timeout=1234 -c work_mem=8MB", "ApplicationName", "my-app")) {
            try (ResultSet rs = c.createStatement().executeQuery(
                    "SELECT current_setting('statement_timeout'), current_setting('work_mem'), current_setting('application_name')")) {
                assertTrue(rs.next());
                assertEquals("1234ms", rs.getString(1));
                assertEquals("8MB", rs.getString(2));
                assertEquals("my-app", rs.getString(3));
            }
            SQLException bad = assertThrows(SQLException.class, () -> connect(pg, "options", "-c no_such_setting=1"));
            assertTrue(bad.getMessage().contains("no_such_setting"), bad.getMessage());
            assertEquals(1, pg.connections(), "the refused connection is gone, the good one stays");
        }
    }
}
