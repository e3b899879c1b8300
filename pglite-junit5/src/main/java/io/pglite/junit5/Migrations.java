package io.pglite.junit5;

import io.pglite.core.Snapshot;
import io.pglite.core.spi.MigrationRequest;
import io.pglite.core.spi.MigrationRunner;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** {@link PgliteInstance#migrations()}: applied by the one {@link MigrationRunner} on the test class path. */
final class Migrations {
    private final MigrationRunner runner;
    private final MigrationRequest request;

    private Migrations(MigrationRunner runner, MigrationRequest request) {
        this.runner = runner;
        this.request = request;
    }

    /** The migrations of {@code config}, with the runner found through {@code loader}. */
    static Migrations of(Config config, ClassLoader loader) {
        MigrationRunner runner;
        try {
            runner = MigrationRunner.find(loader);
        } catch (IllegalStateException e) {
            throw new ExtensionConfigurationException("@PgliteInstance(migrations = " + config.migrations() + ") "
                    + e.getMessage(), e);
        }
        return new Migrations(runner, new MigrationRequest(config.migrations(), config.migrationSettings(), loader,
                config.database(), config.extensions()));
    }

    /** A snapshot of a new instance with the migrations applied (the runner's, cached). */
    Snapshot migrated() {
        try {
            return runner.migrated(request);
        } catch (RuntimeException e) {
            throw failed(e);
        }
    }

    /** Applies the migrations to the instance of {@code slot}. */
    void migrate(Slot slot) {
        try {
            runner.migrate(slot.dataSource(), request);
        } catch (RuntimeException e) {
            throw failed(e);
        }
    }

    private ExtensionConfigurationException failed(RuntimeException e) {
        return new ExtensionConfigurationException("@PgliteInstance migrations " + request.locations()
                + " could not be applied (" + runner.name() + "): " + e.getMessage(), e);
    }
}
