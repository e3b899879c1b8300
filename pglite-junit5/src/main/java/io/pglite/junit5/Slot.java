package io.pglite.junit5;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pglite.core.Pglite;
import javax.sql.DataSource;

/** An instance a pool hands out, with its lazily created connection pool. */
final class Slot implements AutoCloseable {
    final Pglite pglite;
    final Config config;
    /** Whether this slot closes the instance (else it belongs to an enclosing pool). */
    private final boolean owned;
    /** Whether {@link Pglite#restore} works on it (in memory). */
    final boolean restorable;
    /** Guarded by the pool: used since it was last restored. */
    boolean dirty;
    private HikariDataSource dataSource;
    private boolean closed;

    Slot(Pglite pglite, Config config, boolean owned, boolean restorable) {
        this.pglite = pglite;
        this.config = config;
        this.owned = owned;
        this.restorable = restorable;
    }

    synchronized DataSource dataSource() {
        if (closed) {
            throw new IllegalStateException(pglite.name() + ": the test's instance is closed");
        }
        if (dataSource == null) {
            HikariConfig hikari = new HikariConfig();
            hikari.setJdbcUrl(pglite.jdbcUrl());
            hikari.setUsername(config.user());
            if (!config.password().isEmpty()) {
                hikari.setPassword(config.password());
            }
            hikari.setPoolName(pglite.name() + "-pool");
            hikari.setMaximumPoolSize(8);
            hikari.setMinimumIdle(0);
            dataSource = new HikariDataSource(hikari);
        }
        return dataSource;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (dataSource != null) {
                dataSource.close();
            }
        } finally {
            if (owned) {
                pglite.close();
            }
        }
    }
}
