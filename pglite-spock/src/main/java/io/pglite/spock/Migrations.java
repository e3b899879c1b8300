package io.pglite.spock;

import io.pglite.core.Snapshot;
import io.pglite.core.spi.MigrationRequest;
import io.pglite.core.spi.MigrationRunner;
import org.spockframework.runtime.extension.ExtensionException;

/** {@link PgliteSpec#migrations()}: applied by the one {@link MigrationRunner} on the test class path. */
final class Migrations {
    private Migrations() {
    }

    /** A snapshot of a new instance with the migrations applied (the runner caches it). */
    static Snapshot migrated(Settings settings, ClassLoader loader) {
        MigrationRunner runner;
        try {
            runner = MigrationRunner.find(loader);
        } catch (IllegalStateException e) {
            throw new ExtensionException("@PgliteSpec(migrations = " + settings.migrations() + ") " + e.getMessage(), e);
        }
        try {
            return runner.migrated(new MigrationRequest(settings.migrations(), settings.migrationSettings(), loader,
                    settings.database(), settings.extensions()));
        } catch (RuntimeException e) {
            throw new ExtensionException("@PgliteSpec migrations " + settings.migrations() + " could not be applied ("
                    + runner.name() + "): " + e.getMessage(), e);
        }
    }
}
