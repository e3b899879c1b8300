package io.pglite.core;

import io.pglite.core.engine.Engine;
import io.pglite.core.engine.EngineSettings;
import io.pglite.core.engine.EngineStartException;
import io.pglite.core.engine.InstanceFiles;
import java.lang.System.Logger.Level;

/**
 * Starts an instance's backend on its database, creating the database first when the cluster lacks
 * it. A single-user backend opens one database for its whole life, so creating another takes a
 * backend on {@code postgres} that runs {@code CREATE DATABASE} and shuts down cleanly, then a new
 * backend over the same files.
 */
final class DatabaseStart {
    /** The database of the shipped cluster that a backend can always start on. */
    static final String POSTGRES = "postgres";
    private static final System.Logger LOG = System.getLogger(DatabaseStart.class.getName());

    private DatabaseStart() {
    }

    /**
     * Starts a backend over {@code files} on {@code settings.database()}.
     *
     * @param mayExist whether the cluster may hold the database already (a reopened directory): then
     *        the backend starts on it directly, and the database is created only if that start fails
     *        and {@code pg_database} confirms the database is missing
     */
    static Engine start(String name, InstanceFiles files, EngineSettings settings, boolean mayExist) {
        String database = settings.database();
        if (database.equals(POSTGRES)) {
            return Engine.start(name, files, settings);
        }
        EngineStartException direct = null;
        if (mayExist) {
            try {
                return Engine.start(name, files, settings);
            } catch (EngineStartException e) {
                direct = e; // perhaps for want of the database: pg_database tells, not the error's text
            }
        }
        long started = System.nanoTime();
        boolean created;
        try {
            created = createIfMissing(name, files, settings);
        } catch (RuntimeException e) {
            if (direct == null) {
                throw e;
            }
            direct.addSuppressed(e);
            throw direct;
        }
        if (direct != null && !created) {
            throw direct; // the database is there: the start failed for another reason
        }
        long extra = System.nanoTime() - started;
        // after a failed direct start, this explains the FATAL "does not exist" in PostgreSQL's log
        LOG.log(direct != null ? Level.INFO : Level.DEBUG, () -> String.format("%s: %s database %s in %d ms, a backend on %s started and closed for it",
                name, created ? "created" : "found", database, extra / 1_000_000, POSTGRES));
        return Engine.start(name, files, settings);
    }

    /** On a backend on {@code postgres}: creates the database unless {@code pg_database} lists it; true if it did. */
    private static boolean createIfMissing(String name, InstanceFiles files, EngineSettings settings) {
        String database = settings.database();
        Engine maintenance = Engine.start(name, files, settings.onDatabase(POSTGRES));
        boolean clean = false;
        try {
            boolean missing = query(maintenance, "SELECT datname FROM pg_database").rows().stream()
                    .noneMatch(row -> row.get(0).equals(database));
            if (missing) {
                // FILE_COPY copies template1's files between two checkpoints: several times faster here than
                // the default WAL_LOG, which writes every page through shared buffers and the WAL
                query(maintenance, "CREATE DATABASE \"" + database.replace("\"", "\"\"") + "\" STRATEGY = FILE_COPY");
            }
            clean = true;
            return missing;
        } finally {
            maintenance.close(clean); // the shutdown checkpoint: the next backend starts without recovery
        }
    }

    private static QueryResult query(Engine engine, String sql) {
        return SimpleQuery.decode(engine.exchange(SimpleQuery.encode(sql)));
    }
}
