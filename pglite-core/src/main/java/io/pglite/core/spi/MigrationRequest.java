package io.pglite.core.spi;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which migrations to apply, in the terms of the tool.
 *
 * @param locations where the migrations are, e.g. {@code classpath:db/migration} or
 *        {@code filesystem:src/main/resources/db/migration}
 * @param settings the tool's configuration properties, e.g. {@code flyway.placeholders.owner=app}
 * @param classLoader the loader to find class path migrations and Java migrations with
 * @param database the database to migrate ({@link io.pglite.core.Pglite.Builder#withDatabase})
 */
public record MigrationRequest(List<String> locations, Map<String, String> settings, ClassLoader classLoader,
        String database) {

    public MigrationRequest {
        locations = List.copyOf(locations);
        settings = Map.copyOf(settings);
        Objects.requireNonNull(classLoader, "classLoader");
        Objects.requireNonNull(database, "database");
        if (locations.isEmpty()) {
            throw new IllegalArgumentException("locations: none (expected: at least one location of migrations)");
        }
    }
}
