package io.pglite.spock;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pglite.core.Pglite;
import io.pglite.core.PgliteSqlException;
import io.pglite.core.Snapshot;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import javax.sql.DataSource;
import org.spockframework.runtime.extension.ExtensionException;

/** A specification's instance: started before {@code setupSpec}, reset before iterations, closed after {@code cleanupSpec}. */
final class SpecDatabase {
    private static final System.Logger LOG = System.getLogger(SpecDatabase.class.getName());

    private final Class<?> spec;
    private final Settings settings;
    private Pglite pglite;
    private HikariDataSource dataSource;
    private Snapshot snapshot;
    /** Whether the instance is in the snapshot's state, so that the next iteration need not restore it. */
    private boolean fresh;

    SpecDatabase(Class<?> spec, Settings settings) {
        this.spec = spec;
        this.settings = settings;
    }

    /** Starts the instance with the migrations applied, and runs the init scripts on it. */
    void start() {
        Pglite.Builder builder = Pglite.builder().withDatabase(settings.database())
                .withExtensions(settings.extensions().toArray(String[]::new));
        if (!settings.migrations().isEmpty()) {
            builder.withSnapshot(Migrations.migrated(settings, spec.getClassLoader()));
        }
        pglite = builder.start();
        LOG.log(Level.INFO, () -> String.format("%s: PostgreSQL %s on %s", spec.getName(), pglite.name(), pglite.jdbcUrl()));
        try {
            for (String script : settings.initScripts()) {
                runScript(script);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** After {@code setupSpec}: the state each iteration starts from. */
    void setUpDone() {
        snapshot = pglite.snapshot();
        fresh = true;
    }

    /** Before an iteration: back to the state after {@code setupSpec} (unless nothing ran since). */
    void reset() {
        if (!fresh) {
            pglite.restore(snapshot);
        }
        fresh = false;
    }

    Pglite pglite() {
        return pglite;
    }

    /** A connection pool on the instance, created on first use. */
    synchronized DataSource dataSource() {
        if (dataSource == null) {
            HikariConfig hikari = new HikariConfig();
            hikari.setJdbcUrl(pglite.jdbcUrl());
            hikari.setUsername("postgres");
            hikari.setPoolName(pglite.name() + "-pool");
            hikari.setMaximumPoolSize(8);
            // no idle connections kept open for nothing: the backend serves one client at a time anyway
            hikari.setMinimumIdle(0);
            dataSource = new HikariDataSource(hikari);
        }
        return dataSource;
    }

    synchronized void close() {
        try {
            if (dataSource != null) {
                dataSource.close();
            }
        } finally {
            dataSource = null;
            if (pglite != null) {
                pglite.close();
            }
        }
    }

    /** Runs a class path script as one simple query: PostgreSQL splits it into statements itself. */
    private void runScript(String script) {
        String resource = script.startsWith("/") ? script.substring(1) : script;
        String sql;
        try (InputStream in = spec.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new ExtensionException("@PgliteSpec init script '" + script + "' is not on the class path");
            }
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ExtensionException("@PgliteSpec init script '" + script + "' could not be read: " + e, e);
        }
        try {
            pglite.query(sql);
        } catch (PgliteSqlException e) {
            throw new ExtensionException("@PgliteSpec init script '" + script + "' failed: " + e.getMessage(), e);
        }
    }
}
