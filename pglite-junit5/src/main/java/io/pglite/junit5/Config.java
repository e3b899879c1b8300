package io.pglite.junit5;

import io.pglite.core.DataDirectory;
import io.pglite.core.Pglite;
import io.pglite.core.spi.MigrationRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** The settings of {@link PgliteInstance} that determine an instance; equal configurations can share a template. */
record Config(PgliteInstance.Storage storage, String dataPath, List<String> migrations, Map<String, String> migrationSettings,
        List<String> initScripts, String database, List<String> extensions, int port, String user, String password) {

    static Config of(PgliteInstance annotation) {
        if (annotation.port() < 0 || annotation.port() > 65535) {
            throw new ExtensionConfigurationException("@PgliteInstance(port = " + annotation.port()
                    + "): expected 0 (a free port) to 65535");
        }
        if (annotation.migrations().length == 0 && annotation.migrationSettings().length > 0) {
            throw new ExtensionConfigurationException("@PgliteInstance(migrationSettings = ...) without migrations: "
                    + "name the migration locations too, e.g. migrations = \"classpath:db/migration\"");
        }
        try {
            Pglite.builder().withDatabase(annotation.database());
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("@PgliteInstance(database = \"" + annotation.database() + "\"): "
                    + e.getMessage(), e);
        }
        try {
            Pglite.builder().withExtensions(annotation.extensions());
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("@PgliteInstance(extensions = ...): " + e.getMessage(), e);
        }
        boolean path = annotation.dataDirectory() == PgliteInstance.Storage.PATH;
        if (path == annotation.dataPath().isBlank()) {
            throw new ExtensionConfigurationException(path
                    ? "@PgliteInstance(dataDirectory = PATH) needs dataPath, e.g. dataPath = \"target/test-db\""
                    : "@PgliteInstance(dataPath = \"" + annotation.dataPath() + "\") is used with dataDirectory = PATH only");
        }
        return new Config(annotation.dataDirectory(), annotation.dataPath(), List.of(annotation.migrations()),
                settings(annotation.migrationSettings()), List.of(annotation.initScripts()), annotation.database(),
                List.of(annotation.extensions()), annotation.port(),
                annotation.user(), annotation.password());
    }

    private static Map<String, String> settings(String[] pairs) {
        try {
            return MigrationRequest.settingsOf(pairs);
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("@PgliteInstance(migrationSettings = " + e.getMessage(), e);
        }
    }

    /** A builder for the class's first instance (on {@link #port()}) or, {@code primary} false, for a clone (a free port). */
    Pglite.Builder builder(boolean primary) {
        Pglite.Builder builder = Pglite.builder().withPort(primary ? port : 0).withDatabase(database)
                .withExtensions(extensions.toArray(String[]::new));
        if (!password.isEmpty()) {
            builder.withCredentials(user, password);
        }
        return builder;
    }

    DataDirectory dataDirectory() {
        switch (storage) {
            case TEMPORARY:
                return DataDirectory.temporary();
            case PATH:
                return DataDirectory.at(java.nio.file.Path.of(dataPath).toAbsolutePath());
            default:
                return DataDirectory.memory();
        }
    }
}
