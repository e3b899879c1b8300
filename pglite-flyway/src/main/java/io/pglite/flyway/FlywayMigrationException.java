package io.pglite.flyway;

/**
 * Flyway could not migrate: the message is Flyway's, naming the migration, the statement and the
 * SQL state (or what Flyway refused in the configuration). Nothing is written to the cache
 * directory; this JVM remembers the failure for the same migrations.
 */
public final class FlywayMigrationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FlywayMigrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
