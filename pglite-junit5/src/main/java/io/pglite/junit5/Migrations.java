package io.pglite.junit5;

import io.pglite.core.Snapshot;
import io.pglite.core.spi.MigrationRequest;
import io.pglite.core.spi.MigrationRunner;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
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
        List<MigrationRunner> runners = ServiceLoader.load(MigrationRunner.class, loader).stream()
                .map(ServiceLoader.Provider::get).collect(Collectors.toList());
        if (runners.isEmpty()) {
            throw new ExtensionConfigurationException("@PgliteInstance(migrations = " + config.migrations()
                    + ") needs a migration runner on the test class path: add the dependency io.pglite:pglite-flyway");
        }
        if (runners.size() > 1) {
            throw new ExtensionConfigurationException("@PgliteInstance(migrations = ...) found more than one migration "
                    + "runner on the test class path: " + runners.stream().map(r -> r.name() + " (" + r.getClass().getName() + ")")
                            .collect(Collectors.joining(", ")) + "; keep one");
        }
        return new Migrations(runners.get(0), new MigrationRequest(config.migrations(), config.migrationSettings(), loader,
                config.database()));
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
