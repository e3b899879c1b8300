package io.pglite.flyway;

/**
 * Flyway could not migrate: the message is Flyway's, naming the migration, the statement and the
 * SQL state. Nothing was cached.
 */
public final class FlywayMigrationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FlywayMigrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
