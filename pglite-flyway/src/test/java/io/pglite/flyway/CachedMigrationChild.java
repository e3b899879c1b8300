package io.pglite.flyway;

import io.pglite.core.Pglite;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link PgliteFlywayTest}: migrates the shop migrations with the cache in the
 * given directory and prints how many times Flyway migrated and what the database holds.
 */
public final class CachedMigrationChild {
    private CachedMigrationChild() {
    }

    public static void main(String[] args) {
        try (Pglite pg = PgliteFlyway.locations("classpath:db/migration").placeholder("owner", "child")
                .setting("flyway.callbacks", CountingCallback.class.getName()).cacheDirectory(Path.of(args[0])).start()) {
            System.out.println("migrations=" + CountingCallback.MIGRATIONS.get() + " customers="
                    + pg.query("SELECT count(*) FROM customer").singleValue());
        }
    }
}
