package io.pglite.spock;

import io.pglite.core.Pglite;
import io.pglite.core.spi.MigrationRequest;
import java.util.List;
import java.util.Map;
import org.spockframework.runtime.InvalidSpecException;

/** The attributes of {@link PgliteSpec}, checked. */
record Settings(List<String> initScripts, List<String> migrations, Map<String, String> migrationSettings, String database,
        List<String> extensions) {

    static Settings of(PgliteSpec annotation) {
        if (annotation.migrations().length == 0 && annotation.migrationSettings().length > 0) {
            throw new InvalidSpecException("@PgliteSpec(migrationSettings = ...) without migrations: "
                    + "name the migration locations too, e.g. migrations = \"classpath:db/migration\"");
        }
        try {
            Pglite.builder().withDatabase(annotation.database());
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException("@PgliteSpec(database = \"" + annotation.database() + "\"): " + e.getMessage(), e);
        }
        try {
            Pglite.builder().withExtensions(annotation.extensions());
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException("@PgliteSpec(extensions = ...): " + e.getMessage(), e);
        }
        return new Settings(List.of(annotation.initScripts()), List.of(annotation.migrations()),
                settings(annotation.migrationSettings()), annotation.database(), List.of(annotation.extensions()));
    }

    private static Map<String, String> settings(String[] pairs) {
        try {
            return MigrationRequest.settingsOf(pairs);
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException("@PgliteSpec(migrationSettings = " + e.getMessage(), e);
        }
    }
}
