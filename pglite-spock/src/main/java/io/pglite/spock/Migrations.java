package io.pglite.spock;

import io.pglite.core.Snapshot;
import io.pglite.core.spi.MigrationRequest;
import io.pglite.core.spi.MigrationRunner;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.spockframework.runtime.extension.ExtensionException;

/** {@link PgliteSpec#migrations()}: applied by the one {@link MigrationRunner} on the test class path. */
final class Migrations {
    private Migrations() {
    }

    /** A snapshot of a new instance with the migrations applied (the runner caches it). */
    static Snapshot migrated(Settings settings, ClassLoader loader) {
        List<MigrationRunner> runners = ServiceLoader.load(MigrationRunner.class, loader).stream()
                .map(ServiceLoader.Provider::get).collect(Collectors.toList());
        if (runners.isEmpty()) {
            throw new ExtensionException("@PgliteSpec(migrations = " + settings.migrations()
                    + ") needs a migration runner on the test class path: add the dependency io.pglite:pglite-flyway");
        }
        if (runners.size() > 1) {
            throw new ExtensionException("@PgliteSpec(migrations = ...) found more than one migration runner on the test"
                    + " class path: " + runners.stream().map(r -> r.name() + " (" + r.getClass().getName() + ")")
                            .collect(Collectors.joining(", ")) + "; keep one");
        }
        MigrationRunner runner = runners.get(0);
        try {
            return runner.migrated(new MigrationRequest(settings.migrations(), settings.migrationSettings(), loader,
                    settings.database()));
        } catch (RuntimeException e) {
            throw new ExtensionException("@PgliteSpec migrations " + settings.migrations() + " could not be applied ("
                    + runner.name() + "): " + e.getMessage(), e);
        }
    }
}
