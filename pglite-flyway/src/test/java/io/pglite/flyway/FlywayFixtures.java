package io.pglite.flyway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pglite.core.Pglite;
import io.pglite.junit5.PgliteInstance;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * Test classes run by {@link FlywayExtensionTest} through the JUnit Platform test kit; surefire does
 * not run them itself (the name matches none of its patterns).
 */
final class FlywayFixtures {
    static final String SETTINGS_OWNER = "flyway.placeholders.owner=extension";
    static final String SETTINGS_COUNTING = "flyway.callbacks=io.pglite.flyway.CountingCallback";

    private FlywayFixtures() {
    }

    static String value(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Each method sees the migrated database, never another method's writes. */
    @PgliteInstance(migrations = "classpath:db/migration", migrationSettings = {SETTINGS_OWNER, SETTINGS_COUNTING})
    static class MigratedA {
        @RepeatedTest(3)
        void seesTheMigrations(Connection connection) throws SQLException {
            assertEquals("3", value(connection, "SELECT count(*) FROM customer"));
            assertEquals("extension", value(connection, "SELECT DISTINCT owner FROM customer"));
            try (Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO customer (name) VALUES ('written by a test')");
            }
        }
    }

    static class MigratedB extends MigratedA {
    }

    static class MigratedC extends MigratedA {
    }

    /** Migrations and then init scripts, on a database of another name. */
    @PgliteInstance(migrations = "classpath:db/migration", migrationSettings = {SETTINGS_OWNER, SETTINGS_COUNTING},
            initScripts = "db/after-migrations.sql", database = "shop")
    static class MigratedThenScripted {
        @Test
        void test(Connection connection) throws SQLException {
            assertEquals("shop", value(connection, "SELECT current_database()"));
            assertEquals("4", value(connection, "SELECT count(*) FROM customer"));
        }
    }

    /** Data on disk: migrated in place, nothing cached. */
    @PgliteInstance(migrations = "classpath:db/migration", migrationSettings = {SETTINGS_OWNER, SETTINGS_COUNTING},
            dataDirectory = PgliteInstance.Storage.TEMPORARY)
    static class MigratedOnDisk {
        @RepeatedTest(2)
        void test(Pglite pg) {
            assertEquals("3", pg.query("SELECT count(*) FROM customer").singleValue());
            pg.query("INSERT INTO customer (name) VALUES ('written by a test')");
        }
    }

    @PgliteInstance(migrations = "classpath:db/failing", migrationSettings = SETTINGS_COUNTING)
    static class FailingMigration {
        @Test
        void test() {
        }
    }

    static class FailingMigrationToo extends FailingMigration {
    }
}
