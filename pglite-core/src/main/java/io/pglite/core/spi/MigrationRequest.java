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
 * @param extensions extensions to create before migrating ({@link io.pglite.core.Pglite.Builder#withExtensions})
 */
public record MigrationRequest(List<String> locations, Map<String, String> settings, ClassLoader classLoader,
        String database, List<String> extensions) {

    /**
     * Settings written {@code "name=value"}, as annotations take them: split at the first {@code =},
     * spaces around name and value dropped.
     *
     * @throws IllegalArgumentException naming the first pair without a name and {@code =}
     */
    public static Map<String, String> settingsOf(String... pairs) {
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        for (String pair : pairs) {
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("\"" + pair + "\": expected name=value, e.g. flyway.placeholders.owner=app");
            }
            settings.put(pair.substring(0, equals).strip(), pair.substring(equals + 1).strip());
        }
        return Map.copyOf(settings);
    }

    /**
     * Copies {@code locations}, {@code settings} and {@code extensions}.
     *
     * @throws IllegalArgumentException when {@code locations} is empty
     * @throws NullPointerException when an argument is null
     */
    public MigrationRequest {
        locations = List.copyOf(locations);
        settings = Map.copyOf(settings);
        Objects.requireNonNull(classLoader, "classLoader");
        Objects.requireNonNull(database, "database");
        extensions = List.copyOf(extensions);
        if (locations.isEmpty()) {
            throw new IllegalArgumentException("locations: none (expected: at least one location of migrations)");
        }
    }
}
