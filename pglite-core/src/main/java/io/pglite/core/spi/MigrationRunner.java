package io.pglite.core.spi;

import io.pglite.core.Pglite;
import io.pglite.core.Snapshot;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * A schema migration tool, plugged in through {@link java.util.ServiceLoader}: integrations such as
 * the JUnit extension apply migrations through it without depending on the tool. pglite-flyway
 * provides one; it is found when its jar is on the class path.
 *
 * <p>Implementations are thread-safe and have a public no-argument constructor.
 */
public interface MigrationRunner {

    /**
     * The one runner on the class path of {@code loader}.
     *
     * @throws IllegalStateException when there is none, or more than one; the message, to follow
     *         the caller's naming of the migrations, says which and what to do
     */
    static MigrationRunner find(ClassLoader loader) {
        List<MigrationRunner> runners = ServiceLoader.load(MigrationRunner.class, loader).stream()
                .map(ServiceLoader.Provider::get).collect(Collectors.toList());
        if (runners.isEmpty()) {
            throw new IllegalStateException("needs a migration runner on the test class path: add the dependency "
                    + "io.pglite:pglite-flyway");
        }
        if (runners.size() > 1) {
            throw new IllegalStateException("found more than one migration runner on the test class path: "
                    + runners.stream().map(r -> r.name() + " (" + r.getClass().getName() + ")")
                            .collect(Collectors.joining(", ")) + "; keep one");
        }
        return runners.get(0);
    }

    /** The tool, for messages: {@code Flyway}. */
    String name();

    /**
     * A snapshot of a new in-memory instance with the migrations applied, for instances to start
     * from ({@link Pglite.Builder#withSnapshot}). Runners migrate each distinct request at most once
     * per JVM and may keep the result across JVMs.
     *
     * @throws RuntimeException when the migrations fail; its message names the migration and the error
     */
    Snapshot migrated(MigrationRequest request);

    /**
     * Applies the migrations through {@code dataSource} (a running instance's), with nothing cached:
     * for data on disk, which cannot start from a snapshot.
     *
     * @throws RuntimeException when the migrations fail; its message names the migration and the error
     */
    void migrate(DataSource dataSource, MigrationRequest request);
}
