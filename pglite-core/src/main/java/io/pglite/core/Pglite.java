package io.pglite.core;

import io.pglite.core.engine.ClusterDirectory;
import io.pglite.core.engine.Engine;
import io.pglite.core.engine.EngineFailure;
import io.pglite.core.engine.EngineSettings;
import io.pglite.core.engine.EngineStartException;
import io.pglite.core.engine.EngineThread;
import io.pglite.core.engine.InstanceFiles;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A PostgreSQL instance running inside this JVM: PGlite's PostgreSQL compiled to WebAssembly,
 * executed by Chicory on a dedicated thread.
 *
 * <pre>{@code
 * try (Pglite pg = Pglite.start()) {
 *     pg.query("CREATE TABLE t (id int)");
 *     String count = pg.query("SELECT count(*) FROM t").singleValue();
 * }
 * }</pre>
 *
 * <p>Thread-safe: calls from any thread are run one at a time on the instance's engine thread.
 * After an engine failure (a wasm trap, an abort) the instance is marked failed and every call
 * throws {@link PgliteFailedException}. {@link #close()} is idempotent.
 */
public final class Pglite implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Pglite.class.getName());
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final String name;
    private final EngineThread thread;
    private final ClusterDirectory directory;
    private final EngineSettings settings;
    private final boolean restartOnFailure;
    private final long startedAt = System.nanoTime();
    /** Replaced only on the engine thread, by a restart. */
    private Engine engine;
    private volatile Throwable failure;
    private volatile boolean closed;

    private Pglite(String name, EngineThread thread, Engine engine, ClusterDirectory directory,
            EngineSettings settings, boolean restartOnFailure) {
        this.name = name;
        this.thread = thread;
        this.engine = engine;
        this.directory = directory;
        this.settings = settings;
        this.restartOnFailure = restartOnFailure;
    }

    /** Starts an instance with the defaults: in-memory data, user and database {@code postgres}. */
    public static Pglite start() {
        return builder().start();
    }

    /** A builder for an instance with non-default settings. */
    public static Builder builder() {
        return new Builder();
    }

    /** The instance's name, {@code pglite-<n>} unless set; it prefixes its log lines and threads. */
    public String name() {
        return name;
    }

    /**
     * Sends raw wire-protocol bytes (frontend messages of protocol 3.0, or a startup packet) to the
     * backend and returns its complete answer, up to and including {@code ReadyForQuery}.
     *
     * @throws PgliteFailedException if the engine failed, now or earlier
     * @throws IllegalStateException if the instance is closed
     */
    public byte[] exchange(byte[] message) {
        return run(() -> engine.exchange(message.clone()));
    }

    /**
     * Runs SQL through the simple query protocol; for tests and diagnostics.
     *
     * @throws PgliteSqlException when PostgreSQL reports an error
     */
    public QueryResult query(String sql) {
        return SimpleQuery.decode(exchange(SimpleQuery.encode(sql)));
    }

    /**
     * The instances of this JVM that are started and not closed yet (failed ones included), e.g. to
     * list their names, data directories, state and uptime. Instances still open when the JVM exits
     * are closed by a shutdown hook.
     */
    public static List<Pglite> running() {
        return Registry.running();
    }

    /** The host directory holding the cluster; empty for an in-memory instance. */
    public Optional<Path> dataDirectory() {
        return Optional.ofNullable(directory).map(ClusterDirectory::path);
    }

    /** Whether the engine failed; a failed instance only throws {@link PgliteFailedException}. */
    public boolean isFailed() {
        return failure != null;
    }

    private <T> T run(java.util.concurrent.Callable<T> task) {
        checkUsable();
        return thread.call(() -> {
            checkUsable(); // another caller's task may have failed the engine while this one waited
            try {
                return task.call();
            } catch (PgliteException e) {
                throw e;
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                if (restartOnFailure && directory != null && restart(e)) {
                    throw new PgliteFailedException(name + " failed and was restarted on its data directory: "
                            + describe(e), e);
                }
                failure = e;
                throw new PgliteFailedException(name + " failed: " + describe(e), e);
            }
        });
    }

    /** On the engine thread: a fresh backend on the same directory; PostgreSQL recovers from its WAL. */
    private boolean restart(Throwable cause) {
        LOG.log(Level.WARNING, name + " failed; restarting it on " + directory.path(), cause);
        engine.close(false);
        try {
            engine = Engine.start(name, InstanceFiles.onHostDirectory(name, directory), settings);
            return true;
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
            return false;
        }
    }

    /**
     * Whether the backend answers a trivial query now. Waits for the statement that runs, if any.
     * False when the instance is closed or failed.
     */
    public boolean isHealthy() {
        if (closed || failure != null) {
            return false;
        }
        try {
            return "1".equals(query("SELECT 1").singleValue());
        } catch (PgliteException | IllegalStateException e) {
            return false;
        }
    }

    /** How long the instance has been running. */
    public java.time.Duration uptime() {
        return java.time.Duration.ofNanos(System.nanoTime() - startedAt);
    }

    private void checkUsable() {
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
        Throwable failed = failure;
        if (failed != null) {
            throw new PgliteFailedException(name + " failed earlier and cannot run queries: " + describe(failed), failed);
        }
    }

    private static String describe(Throwable e) {
        if (e instanceof EngineFailure) {
            return e.getMessage();
        }
        if (e instanceof StackOverflowError) {
            return "the engine thread's stack overflowed (deep recursion in a query); raise it with Builder.withEngineStackSize";
        }
        return "wasm trap: " + e;
    }

    /** Shuts the backend down cleanly (checkpoint) and stops its thread. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Registry.remove(this);
        try {
            boolean healthy = failure == null;
            thread.call(() -> {
                engine.close(healthy);
                return null;
            });
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, name + ": shutdown did not complete cleanly", e);
        } finally {
            thread.close();
            if (directory != null) {
                directory.close();
            }
            LOG.log(Level.DEBUG, "{0} closed", name);
        }
    }

    @Override
    public String toString() {
        return name + (closed ? " (closed)" : failure != null ? " (failed)" : "");
    }

    /** Settings of an instance to start; every setter validates at once. */
    public static final class Builder {
        private static final long MIB = 1024 * 1024;
        private String name;
        private long maxMemory = 2047 * MIB;
        private long engineStackSize = 512 * MIB;
        private DataDirectory dataDirectory = DataDirectory.memory();
        private Boolean fsync;
        private boolean restartOnFailure;

        private Builder() {
        }

        /** Where the cluster lives; default {@link DataDirectory#memory()}. */
        public Builder withDataDirectory(DataDirectory dataDirectory) {
            this.dataDirectory = java.util.Objects.requireNonNull(dataDirectory, "dataDirectory");
            return this;
        }

        /**
         * Whether an instance with a host data directory restarts its backend after an engine
         * failure (a wasm trap, a backend exit), coming back with its committed data; default off.
         * The failing call still throws. In-memory instances cannot restart: their data died with
         * the backend.
         */
        public Builder withRestartOnFailure(boolean restartOnFailure) {
            this.restartOnFailure = restartOnFailure;
            return this;
        }

        /**
         * Whether PostgreSQL flushes its writes to disk. Default: on for a directory of yours
         * ({@link DataDirectory#at}: committed data survives a crash of the JVM), off for temporary
         * and in-memory data (fast; a crash loses the data anyway).
         */
        public Builder withFsync(boolean fsync) {
            this.fsync = fsync;
            return this;
        }

        /** Name of the instance in logs and thread names; default {@code pglite-<n>}. */
        public Builder withName(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name: '" + name + "' (expected: a non-blank name)");
            }
            this.name = name;
            return this;
        }

        /**
         * Ceiling of the engine's wasm memory; PostgreSQL gets "out of memory" errors above it.
         * Default and maximum 2047 MiB; at least 192 MiB (the backend needs about 190 MiB).
         */
        public Builder withMaxMemory(long bytes) {
            if (bytes < 192 * MIB || bytes > 2047 * MIB) {
                throw new IllegalArgumentException("maxMemory: " + bytes + " (expected: 192 MiB to 2047 MiB)");
            }
            this.maxMemory = bytes;
            return this;
        }

        /**
         * Stack of the engine thread. Compiled wasm recursion runs on it; deep queries need more.
         * Default 512 MiB (reserved address space, committed only as used).
         */
        public Builder withEngineStackSize(long bytes) {
            if (bytes < 16 * MIB) {
                throw new IllegalArgumentException("engineStackSize: " + bytes + " (expected: at least 16 MiB)");
            }
            this.engineStackSize = bytes;
            return this;
        }

        /**
         * Starts the instance and waits until it answers queries.
         *
         * @throws PgliteStartupException with the reason and the backend's own messages
         */
        public Pglite start() {
            long started = System.nanoTime();
            String instanceName = name != null ? name : "pglite-" + COUNTER.incrementAndGet();
            boolean durable = fsync != null ? fsync : dataDirectory.kind() == DataDirectory.Kind.PATH;
            EngineSettings settings = new EngineSettings("postgres", "postgres", (int) (maxMemory / 65536), durable);
            Engine.preload();
            ClusterDirectory directory = null;
            EngineThread thread = null;
            try {
                directory = openDirectory(instanceName);
                ClusterDirectory cluster = directory;
                thread = new EngineThread(instanceName + "-engine", engineStackSize);
                Engine engine = thread.call(() -> Engine.start(instanceName, cluster == null
                        ? InstanceFiles.inMemory(instanceName)
                        : InstanceFiles.onHostDirectory(instanceName, cluster), settings));
                Pglite pglite = new Pglite(instanceName, thread, engine, directory, settings, restartOnFailure);
                Registry.add(pglite);
                LOG.log(Level.INFO, () -> String.format("%s started in %d ms (data: %s)", instanceName,
                        (System.nanoTime() - started) / 1_000_000, cluster == null ? "memory://" : cluster.path()));
                return pglite;
            } catch (RuntimeException | Error e) {
                if (thread != null) {
                    thread.close();
                }
                if (directory != null) {
                    directory.close();
                }
                if (e instanceof EngineStartException) {
                    throw new PgliteStartupException(e.getMessage(), e);
                }
                throw new PgliteStartupException(instanceName + " could not start: " + e, e);
            }
        }

        private ClusterDirectory openDirectory(String instanceName) {
            switch (dataDirectory.kind()) {
                case TEMPORARY:
                    ClusterDirectory temporary = ClusterDirectory.temporary(dataDirectory.path(), instanceName, dataDirectory.keep());
                    if (dataDirectory.keep()) {
                        LOG.log(Level.INFO, "{0}: data directory {1} is kept after close", instanceName, temporary.path());
                    }
                    return temporary;
                case PATH:
                    return ClusterDirectory.open(dataDirectory.path(), instanceName);
                default:
                    return null;
            }
        }
    }
}
