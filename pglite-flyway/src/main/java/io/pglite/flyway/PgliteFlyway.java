package io.pglite.flyway;

import io.pglite.core.Pglite;
import io.pglite.core.Snapshot;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.internal.sqlscript.FlywaySqlScriptException;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;

/**
 * Flyway migrations on pglite, migrated once and reused:
 *
 * <pre>{@code
 * Snapshot migrated = PgliteFlyway.locations("classpath:db/migration")
 *         .placeholder("owner", "app")
 *         .snapshot();                                  // migrates, or reuses the cached result
 * try (Pglite pg = Pglite.builder().withSnapshot(migrated).start()) { ... }
 * }</pre>
 *
 * {@link #snapshot()} migrates a new in-memory instance with Flyway and snapshots it, once per JVM
 * for the same migrations, and keeps the snapshot in a cache directory for later JVMs, keyed by the
 * contents of every file under the locations, the settings, the Flyway version and the engine build.
 * Unchanged migrations are not run again; changing, adding or removing a file migrates afresh. See
 * docs/flyway.md.
 *
 * <p>The cache directory: {@link #cacheDirectory(Path)}, else the system property
 * {@value #CACHE_PROPERTY} or the environment variable {@value #CACHE_VARIABLE} (a path, or
 * {@code off}), else {@code target/pglite-flyway} in a Maven project, {@code build/pglite-flyway}
 * in a Gradle one, else {@code pglite-flyway} in the temporary directory.
 */
public final class PgliteFlyway {
    /** System property naming the cache directory, or {@code off}. */
    public static final String CACHE_PROPERTY = "pglite.flyway.cache";
    /** Environment variable naming the cache directory, or {@code off}; the system property wins. */
    public static final String CACHE_VARIABLE = "PGLITE_FLYWAY_CACHE";
    private static final System.Logger LOG = System.getLogger(PgliteFlyway.class.getName());
    private static final String TRANSACTIONAL_LOCK = "flyway.postgresql.transactional.lock";
    private static final long CLIENTS_GONE_TIMEOUT_NANOS = 10_000_000_000L;

    private final List<String> locations;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private ClassLoader classLoader = Thread.currentThread().getContextClassLoader();
    private Path cacheDirectory = defaultCacheDirectory();
    private String database = "postgres";
    private List<String> extensions = List.of();

    private PgliteFlyway(List<String> locations) {
        this.locations = locations;
    }

    /**
     * Migrations in these Flyway locations: {@code classpath:db/migration} (a location without a
     * prefix is on the class path, as in Flyway) or {@code filesystem:src/main/resources/db/migration}.
     */
    public static PgliteFlyway locations(String... locations) {
        if (locations.length == 0) {
            throw new IllegalArgumentException("locations: none (expected: at least one, e.g. classpath:db/migration)");
        }
        return new PgliteFlyway(List.of(locations));
    }

    /** A Flyway placeholder: {@code ${name}} in the migrations becomes {@code value}. */
    public PgliteFlyway placeholder(String name, String value) {
        return setting("flyway.placeholders." + name, value);
    }

    /**
     * A Flyway configuration property, as in {@code flyway.conf}: {@code flyway.schemas},
     * {@code flyway.callbacks}, {@code flyway.placeholders.<name>}, ... Locations and the data
     * source are pglite-flyway's own and cannot be set this way.
     */
    public PgliteFlyway setting(String name, String value) {
        Objects.requireNonNull(value, "value");
        if (!name.startsWith("flyway.")) {
            throw new IllegalArgumentException("setting: " + name + " (expected: a Flyway property, flyway.<name>)");
        }
        if (name.equals(TRANSACTIONAL_LOCK) && value.strip().equalsIgnoreCase("false")) {
            return this; // what pglite-flyway sets anyway
        }
        if (name.equals(TRANSACTIONAL_LOCK)) {
            throw new IllegalArgumentException("setting: " + name + " is false with pglite-flyway: true holds a "
                    + "transaction on one connection while Flyway migrates on another, and pglite serves one "
                    + "transaction at a time");
        }
        if (name.equals("flyway.locations") || name.startsWith("flyway.url") || name.equals("flyway.user")
                || name.equals("flyway.password") || name.equals("flyway.driver")) {
            throw new IllegalArgumentException("setting: " + name + " is set by pglite-flyway (locations: use "
                    + "PgliteFlyway.locations; the connection is the instance's)");
        }
        settings.put(name, value);
        return this;
    }

    /** All of {@code settings}, as {@link #setting} one by one. */
    public PgliteFlyway settings(Map<String, String> settings) {
        settings.forEach(this::setting);
        return this;
    }

    /** The class loader that finds class path migrations and Java migrations; default the thread's context loader. */
    public PgliteFlyway classLoader(ClassLoader classLoader) {
        this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
        return this;
    }

    /** The database {@link #snapshot()} migrates and its instances serve; default {@code postgres}. */
    public PgliteFlyway database(String database) {
        this.database = Objects.requireNonNull(database, "database");
        return this;
    }

    /**
     * Extensions to create before migrating ({@link Pglite.Builder#withExtensions}), for migrations
     * that use them without creating them; default none.
     *
     * @throws IllegalArgumentException for an extension the engine does not ship, listing those it does
     */
    public PgliteFlyway extensions(String... names) {
        Pglite.builder().withExtensions(names);
        this.extensions = List.of(names);
        return this;
    }

    /** Where migrated snapshots are kept across JVMs (created when missing); see the class comment for the default. */
    public PgliteFlyway cacheDirectory(Path directory) {
        this.cacheDirectory = Objects.requireNonNull(directory, "directory");
        return this;
    }

    /** Keeps migrated snapshots in this JVM only. */
    public PgliteFlyway withoutDiskCache() {
        this.cacheDirectory = null;
        return this;
    }

    /**
     * The snapshot of a new instance with the migrations applied: from this JVM or the cache
     * directory when the migrations are unchanged, else migrated now (a new in-memory instance,
     * closed afterwards). Threads asking for the same migrations at once wait for one migration.
     *
     * @throws FlywayMigrationException with Flyway's message (migration, statement, SQL state)
     *         when a migration fails or Flyway refuses the configuration; nothing is written to the
     *         cache directory then, and later calls in this JVM fail the same way without migrating
     */
    public Snapshot snapshot() {
        MigrationKey key = MigrationKey.of(locations, settings, database, extensions, classLoader);
        if (!key.emptyLocations().isEmpty()) {
            LOG.log(Level.WARNING, "pglite-flyway: no files found in {0} (class path and directories searched)",
                    key.emptyLocations());
        }
        return MigrationCache.get(key, cacheDirectory, "migrations " + locations, this::migrateNewInstance);
    }

    /** A new instance started from {@link #snapshot()}; close it when done. */
    public Pglite start() {
        return Pglite.builder().withSnapshot(snapshot()).start();
    }

    /**
     * Applies the migrations to a running instance without credentials (as user {@code postgres}),
     * with nothing cached; its database, whatever {@link #database} says. For an instance with credentials use {@link #migrate(DataSource)}.
     *
     * @throws FlywayMigrationException when a migration fails
     */
    public void migrate(Pglite pglite) {
        run(configuration -> configuration.dataSource(pglite.jdbcUrl(), "postgres", null));
    }

    /**
     * Applies the migrations through {@code dataSource}, with nothing cached.
     *
     * @throws FlywayMigrationException when a migration fails
     */
    public void migrate(DataSource dataSource) {
        run(configuration -> configuration.dataSource(dataSource));
    }

    private Snapshot migrateNewInstance() {
        long started = System.nanoTime();
        try (Pglite pglite = Pglite.builder().withName("pglite-flyway").withDatabase(database)
                .withExtensions(extensions.toArray(String[]::new)).start()) {
            migrate(pglite);
            awaitNoClients(pglite);
            Snapshot snapshot = pglite.snapshot();
            LOG.log(Level.INFO, () -> String.format("pglite-flyway: migrated %s in %d ms", locations,
                    (System.nanoTime() - started) / 1_000_000));
            return snapshot;
        }
    }

    private FluentConfiguration configuration() {
        FluentConfiguration configuration = Flyway.configure(classLoader).configuration(settings)
                .locations(locations.toArray(String[]::new));
        // Flyway's default lock holds a transaction open on one connection while it migrates on
        // another; pglite's one backend serves one transaction at a time, so that would wait forever
        configuration.getConfigurationExtension(PostgreSQLConfigurationExtension.class).setTransactionalLock(false);
        return configuration;
    }

    /** Configures Flyway (the connection from {@code connect}) and migrates; any Flyway error becomes ours. */
    private void run(java.util.function.UnaryOperator<FluentConfiguration> connect) {
        try {
            connect.apply(configuration()).load().migrate();
        } catch (FlywayException e) {
            throw new FlywayMigrationException("Flyway could not migrate " + locations + ": " + withStatement(e), e);
        }
    }

    /**
     * Flyway's message, with the failing statement where Flyway prints it only at debug level: a
     * test run's output is where people read it.
     */
    private static String withStatement(FlywayException e) {
        String message = e.getMessage();
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof FlywaySqlScriptException script && script.getStatement() != null) {
                String statement = "Statement  : " + script.getStatement().strip();
                int at = message.indexOf("Statement  : ");
                if (at < 0) {
                    return message + "\n" + statement;
                }
                int end = message.indexOf('\n', at);
                return message.substring(0, at) + statement + (end < 0 ? "" : message.substring(end));
            }
        }
        return message;
    }

    /** Flyway has closed its connections; the server lets go of them asynchronously, and a snapshot must not see them. */
    private static void awaitNoClients(Pglite pglite) {
        long deadline = System.nanoTime() + CLIENTS_GONE_TIMEOUT_NANOS;
        while (pglite.connections() > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("pglite-flyway: Flyway's connections to " + pglite.name()
                        + " were still open 10 s after the migration");
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Flyway's connections to close", e);
            }
        }
    }

    /** The cache directory when none is set: the property, the variable, else the build directory. */
    static Path defaultCacheDirectory() {
        String configured = System.getProperty(CACHE_PROPERTY, System.getenv(CACHE_VARIABLE));
        if (configured != null && !configured.isBlank()) {
            return configured.equalsIgnoreCase("off") ? null : Paths.get(configured);
        }
        Path here = Paths.get("").toAbsolutePath();
        if (Files.exists(here.resolve("pom.xml"))) {
            return here.resolve("target").resolve("pglite-flyway");
        }
        if (Files.exists(here.resolve("build.gradle")) || Files.exists(here.resolve("build.gradle.kts"))) {
            return here.resolve("build").resolve("pglite-flyway");
        }
        return Paths.get(System.getProperty("java.io.tmpdir"), "pglite-flyway");
    }

    /** As a {@link io.pglite.core.spi.MigrationRequest} asks: locations, settings, loader. */
    static PgliteFlyway of(io.pglite.core.spi.MigrationRequest request) {
        return locations(request.locations().toArray(String[]::new)).settings(request.settings())
                .classLoader(request.classLoader()).database(request.database())
                .extensions(request.extensions().toArray(String[]::new));
    }
}
