package io.pglite.flyway;

import io.pglite.core.Snapshot;
import io.pglite.core.spi.MigrationRequest;
import io.pglite.core.spi.MigrationRunner;
import javax.sql.DataSource;

/**
 * Flyway as the {@link MigrationRunner} of pglite-java: what {@code @PgliteInstance(migrations = ...)}
 * uses when this jar is on the class path. Caches as {@link PgliteFlyway} does, in its default
 * cache directory.
 */
public final class FlywayMigrationRunner implements MigrationRunner {

    /** For {@link java.util.ServiceLoader}. */
    public FlywayMigrationRunner() {
    }

    @Override
    public String name() {
        return "Flyway";
    }

    @Override
    public Snapshot migrated(MigrationRequest request) {
        return PgliteFlyway.of(request).snapshot();
    }

    @Override
    public void migrate(DataSource dataSource, MigrationRequest request) {
        PgliteFlyway.of(request).migrate(dataSource);
    }
}
