package io.pglite.core;

import io.pglite.core.engine.ClusterDirectory;
import io.pglite.core.engine.Engine;
import io.pglite.core.engine.EngineFailure;
import io.pglite.core.engine.EngineSettings;
import io.pglite.core.engine.EngineStartException;
import io.pglite.core.engine.EngineThread;
import io.pglite.core.engine.InstanceFiles;
import io.pglite.core.server.Backend;
import io.pglite.core.server.PgServer;
import io.pglite.core.server.ServerBindException;
import io.pglite.core.server.ServerSettings;
import java.lang.System.Logger.Level;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A PostgreSQL instance running inside this JVM: PGlite's PostgreSQL compiled to WebAssembly,
 * executed by Chicory on a dedicated thread, behind a PostgreSQL wire-protocol server on a loopback
 * port that any client (pgjdbc, HikariCP, psql) connects to.
 *
 * <pre>{@code
 * try (Pglite pg = Pglite.start()) {
 *     try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), "postgres", "")) {
 *         c.createStatement().execute("CREATE TABLE t (id int)");
 *     }
 *     String count = pg.query("SELECT count(*) FROM t").singleValue();
 * }
 * }</pre>
 *
 * <p>PGlite is a single backend: the connections take turns on it, and a connection inside a
 * transaction keeps it until the transaction ends (see {@link Builder#withConnectionWaitTimeout}).
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
    private final Duration connectionWaitTimeout;
    private final long startedAt = System.nanoTime();
    /** Set and replaced (by a restart) only on the engine thread. */
    private Engine engine;
    /** Set once, before the instance is published. */
    private PgServer server;
    /** Engine thread only: the backend was shut down. */
    private boolean engineClosed;
    private volatile Throwable failure;
    private volatile boolean closed;

    private Pglite(String name, EngineThread thread, ClusterDirectory directory,
            EngineSettings settings, boolean restartOnFailure, Duration connectionWaitTimeout) {
        this.name = name;
        this.connectionWaitTimeout = connectionWaitTimeout;
        this.thread = thread;
        this.directory = directory;
        this.settings = settings;
        this.restartOnFailure = restartOnFailure;
    }

    /**
     * The extensions the engine ships, by name, with their default versions: the contrib set of the
     * PGlite package and pgvector. {@code CREATE EXTENSION} takes any of them, from any client; their
     * compiled code is in the pglite-wasm jar.
     */
    public static java.util.SortedMap<String, String> availableExtensions() {
        return io.pglite.core.engine.ExtensionCatalog.extensions();
    }

    /** Starts an instance with the defaults: in-memory data, user and database {@code postgres}. */
    public static Pglite start() {
        return builder().start();
    }

    /** A builder for an instance with non-default settings. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The one database the instance serves: {@code postgres} unless set with
     * {@link Builder#withDatabase}; for a clone, the database of its snapshot.
     */
    public String database() {
        return settings.database();
    }

    /** What its backend was started with. */
    EngineSettings settings() {
        return settings;
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
        byte[] copy = message.clone();
        return run(() -> server.exchange(engine, copy));
    }

    /**
     * Captures the instance's complete state. Waits until no client connection holds the backend
     * (is inside a transaction), at most the connection wait timeout.
     *
     * @throws IllegalStateException if the API itself left a transaction open, or the wait timed out
     * @throws UnsupportedOperationException for an instance with a data directory on disk (not yet supported)
     */
    public Snapshot snapshot() {
        return new Snapshot(runIdle("snapshot", engine::snapshot));
    }

    /**
     * Brings the instance back to exactly the state of {@code snapshot}: rows written since are gone,
     * sequences continue from their values then. Client connections stay open: their prepared
     * statements are prepared again when next used. Waits, like {@link #snapshot()}, for a client
     * transaction to end. A snapshot of another instance works too (slower the first time: every
     * page is written); the instance becomes a copy of that one.
     *
     * @throws IllegalArgumentException if the snapshot is of another database than this instance's
     *         (start a clone from it instead)
     */
    public void restore(Snapshot snapshot) {
        if (!snapshot.database().equals(database())) {
            throw new IllegalArgumentException(name + ": the snapshot is of database '" + snapshot.database()
                    + "', this instance serves '" + database() + "'; start a clone from the snapshot instead");
        }
        runIdle("restore", () -> {
            engine.restore(snapshot.engine);
            server.backendRestored(engine);
            return null;
        });
    }

    /** Runs an engine task once no client holds the backend; usage errors pass through, other failures fail the instance. */
    private <T> T runIdle(String what, java.util.concurrent.Callable<T> task) {
        Object result = run(() -> {
            try {
                return task.call();
            } catch (IllegalStateException | IllegalArgumentException | UnsupportedOperationException e) {
                return new UsageError(e);
            }
        }, connectionWaitTimeout, what);
        if (result instanceof UsageError error) {
            RuntimeException e = error.cause;
            if (e instanceof UnsupportedOperationException) {
                throw new UnsupportedOperationException(name + ": " + e.getMessage(), e);
            }
            if (e instanceof IllegalArgumentException) {
                throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
            }
            throw new IllegalStateException(name + ": " + e.getMessage(), e);
        }
        @SuppressWarnings("unchecked")
        T value = (T) result;
        return value;
    }

    /** A refusal carried out of the engine thread, so that it does not count as an engine failure. */
    private record UsageError(RuntimeException cause) {
    }

    /** The port the wire-protocol server listens on. */
    public int port() {
        return server.port();
    }

    /** The address the wire-protocol server listens on, {@code 127.0.0.1} by default. */
    public String host() {
        return server.host();
    }

    /**
     * The JDBC URL of the instance's database, {@code jdbc:postgresql://127.0.0.1:<port>/postgres}
     * (or the {@link #database()} set, URL-encoded): ready for pgjdbc's {@code DriverManager}, a
     * {@code PGSimpleDataSource} or a HikariCP pool.
     */
    public String jdbcUrl() {
        String host = server.host();
        if (host.equals("0.0.0.0") || host.equals("0:0:0:0:0:0:0:0")) {
            host = "127.0.0.1";
        } else if (host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        // pgjdbc URL-decodes the database; %20, not URLEncoder's +, is a space in any URL reader
        String database = URLEncoder.encode(database(), StandardCharsets.UTF_8).replace("+", "%20");
        return "jdbc:postgresql://" + host + ":" + server.port() + "/" + database;
    }

    /** Client connections open now (authenticated and started). */
    public int connections() {
        return server.connections();
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
        return run(task, null, null);
    }

    /** With a {@code timeout}, gives up (naming {@code what}) if the engine thread did not take the task by then. */
    private <T> T run(java.util.concurrent.Callable<T> task, Duration timeout, String what) {
        checkUsable();
        java.util.concurrent.Callable<T> guarded = () -> {
            checkUsable(); // another caller's task may have failed the engine while this one waited
            try {
                return task.call();
            } catch (PgliteException e) {
                throw e;
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                throw engineFailed(e);
            }
        };
        if (timeout == null || timeout.isZero()) {
            return thread.call(guarded);
        }
        return thread.call(guarded, timeout, () -> new IllegalStateException(name + ": " + what + " waited "
                + timeout.toMillis() + " ms for the backend, which a client connection holds in a transaction;"
                + " end the transaction first (or raise withConnectionWaitTimeout)"));
    }

    /**
     * On the engine thread, after the engine broke: restarts it when that is possible and wanted,
     * else marks the instance failed; the clients' sessions died with the backend either way.
     */
    private PgliteFailedException engineFailed(Throwable e) {
        PgliteFailedException failed;
        if (restartOnFailure && directory != null && restart(e)) {
            failed = new PgliteFailedException(name + " failed and was restarted on its data directory: " + describe(e), e);
        } else {
            failure = e;
            failed = new PgliteFailedException(name + " failed: " + describe(e), e);
        }
        server.backendLost(failed.getMessage());
        return failed;
    }

    /** What the server needs of this instance. */
    private final class ServedBackend implements Backend {
        @Override
        public String name() {
            return name;
        }

        @Override
        public void execute(Runnable task) {
            thread.execute(task);
        }

        /** Usable until the shutdown task runs, so clean-ups queued by {@link #close()} still run. */
        @Override
        public Engine engine() {
            if (engineClosed) {
                throw new IllegalStateException(name + " is closed");
            }
            Throwable failed = failure;
            if (failed != null) {
                throw new PgliteFailedException(name + " failed earlier: " + describe(failed), failed);
            }
            return engine;
        }

        @Override
        public RuntimeException failed(Throwable cause) {
            return engineFailed(cause);
        }
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
        server.close(); // client transactions are rolled back before the shutdown below
        try {
            boolean healthy = failure == null;
            thread.call(() -> {
                engineClosed = true;
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
        private String host = "127.0.0.1";
        private int port;
        private String user = "postgres";
        /** Null: {@code postgres}, or the snapshot's database for a clone. */
        private String database;
        private String password;
        private Duration connectionWaitTimeout = Duration.ofSeconds(60);
        private Snapshot snapshot;
        private List<String> extensions = List.of();

        private Builder() {
        }

        /** Address the wire-protocol server binds; default {@code 127.0.0.1} (loopback only). */
        public Builder withHost(String host) {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("host: '" + host + "' (expected: an address such as 127.0.0.1)");
            }
            this.host = host;
            return this;
        }

        /** Port of the wire-protocol server; default 0, a free port (read it back with {@link Pglite#port()}). */
        public Builder withPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
            }
            this.port = port;
            return this;
        }

        /**
         * Requires clients to log in as {@code user} with {@code password}, checked with
         * SCRAM-SHA-256 (what pgjdbc and psql use). Default: trust, any user name is let in.
         */
        public Builder withCredentials(String user, String password) {
            if (user == null || user.isEmpty()) {
                throw new IllegalArgumentException("user: '" + user + "' (expected: a non-empty user name)");
            }
            if (password == null || password.isEmpty()) {
                throw new IllegalArgumentException("password: empty (expected: a non-empty password)");
            }
            this.user = user;
            this.password = password;
            return this;
        }

        /**
         * How long a client connection waits for the backend while another connection holds it (inside
         * a transaction, or running a statement) before it gets an error (SQLSTATE 57014) instead;
         * default 60 s; {@link Duration#ZERO} waits forever.
         */
        public Builder withConnectionWaitTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative()) {
                throw new IllegalArgumentException("connectionWaitTimeout: " + timeout + " (expected: zero or positive)");
            }
            this.connectionWaitTimeout = timeout;
            return this;
        }

        /**
         * The database the instance serves; default {@code postgres}. The backend opens this one
         * database (a PGlite backend cannot switch), {@link Pglite#jdbcUrl()} ends with it and clients
         * asking for another are refused. When the cluster does not have it (always for in-memory and
         * temporary data, the first time for a directory of yours), the start creates it from
         * {@code template1} first, which costs a second backend start. A clone serves its snapshot's
         * database; setting another one for it fails at {@link #start()}.
         */
        public Builder withDatabase(String database) {
            if (database == null || database.isBlank() || database.indexOf('\0') >= 0
                    || database.getBytes(StandardCharsets.UTF_8).length > 63 || database.equals("template0")) {
                throw new IllegalArgumentException("database: '" + database
                        + "' (expected: a non-blank name of at most 63 bytes in UTF-8, without NUL, not template0)");
            }
            this.database = database;
            return this;
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
         * Starts the instance as a copy of {@code snapshot} (a clone): same data, same state, its own
         * port and memory. Any thread may start clones of one snapshot at the same time.
         */
        public Builder withSnapshot(Snapshot snapshot) {
            this.snapshot = java.util.Objects.requireNonNull(snapshot, "snapshot");
            return this;
        }

        /**
         * Extensions to create at start, in this order, each with the extensions it requires
         * ({@code CREATE EXTENSION IF NOT EXISTS ... CASCADE}) in the instance's database; any client
         * can still create others later. An in-memory instance pays for the extensions' scripts once
         * per JVM: it leaves a prepared image, and the next instance with the same database and
         * extensions starts as a clone of that image. A clone ({@link #withSnapshot}) creates those its
         * snapshot lacks.
         *
         * @param names names as {@code CREATE EXTENSION} takes them, e.g. {@code "uuid-ossp"}, {@code "vector"};
         *        {@link Pglite#availableExtensions()} lists them
         * @throws IllegalArgumentException for a name the engine does not ship, listing those it does
         */
        public Builder withExtensions(String... names) {
            this.extensions = Extensions.check(names);
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
            if (snapshot != null && dataDirectory.kind() != DataDirectory.Kind.MEMORY) {
                throw new IllegalArgumentException("withSnapshot: a clone keeps its data in memory (expected: DataDirectory.memory())");
            }
            boolean durable = fsync != null ? fsync : dataDirectory.kind() == DataDirectory.Kind.PATH;
            EngineSettings settings = new EngineSettings("postgres", database(), (int) (maxMemory / 65536), durable,
                    Extensions.preloaded(extensions));
            boolean imaged = snapshot == null && dataDirectory.kind() == DataDirectory.Kind.MEMORY;
            ClusterDirectory directory = null;
            EngineThread thread = null;
            PgServer server = null;
            try {
                Engine.preload(settings, () -> {
                    if (imaged && StartImage.serves(settings, extensions)) {
                        StartImage.get();
                    }
                });
                directory = openDirectory(instanceName);
                ClusterDirectory cluster = directory;
                thread = new EngineThread(instanceName + "-engine", engineStackSize);
                Pglite pglite = new Pglite(instanceName, thread, directory, settings, restartOnFailure, connectionWaitTimeout);
                // the engine starts while the server binds: in a young JVM each takes a few hundred ms;
                // clients that connect before the engine runs wait for it
                Future<Boolean> engineStart = thread.submit(() -> {
                    Snapshot image = imaged ? PreparedImages.find(settings, extensions) : null;
                    Snapshot from = image != null ? image : snapshot;
                    if (from != null) {
                        pglite.engine = Engine.startFrom(instanceName, InstanceFiles.inMemory(instanceName), settings,
                                from.engine);
                    } else if (cluster == null) {
                        pglite.engine = DatabaseStart.start(instanceName, InstanceFiles.inMemory(instanceName), settings, false);
                    } else {
                        pglite.engine = DatabaseStart.start(instanceName, InstanceFiles.onHostDirectory(instanceName, cluster),
                                settings, !cluster.initialised());
                    }
                    if (image == null) {
                        Extensions.create(instanceName, pglite.engine, extensions);
                    }
                    return imaged && image == null;
                });
                try {
                    server = PgServer.start(pglite.new ServedBackend(),
                            new ServerSettings(host, port, user, password, settings.database(), connectionWaitTimeout));
                } catch (RuntimeException | Error e) {
                    stopEngine(thread, engineStart, pglite, e);
                    throw e;
                }
                pglite.server = server;
                boolean prepares = EngineThread.join(engineStart);
                if (prepares) {
                    PreparedImages.offer(settings, extensions, pglite.snapshot());
                }
                Registry.add(pglite);
                LOG.log(Level.INFO, () -> String.format("%s started in %d ms on %s (data: %s)", instanceName,
                        (System.nanoTime() - started) / 1_000_000, pglite.jdbcUrl(),
                        cluster == null ? "memory://" : cluster.path()));
                return pglite;
            } catch (RuntimeException | Error e) {
                if (server != null) {
                    server.close();
                }
                if (thread != null) {
                    thread.close();
                }
                if (directory != null) {
                    directory.close();
                }
                if (e instanceof EngineStartException) {
                    throw new PgliteStartupException(e.getMessage(), e);
                }
                if (e instanceof ServerBindException) {
                    throw new PgliteStartupException(instanceName + " could not start: " + e.getMessage(), e);
                }
                throw new PgliteStartupException(instanceName + " could not start: " + e, e);
            }
        }

        /**
         * After the server failed to start: waits for the engine's start and shuts the engine down
         * cleanly, so that a data directory is left as after a close. What fails meanwhile is
         * added to {@code serverFailure}, which is the one to report.
         */
        private static void stopEngine(EngineThread thread, Future<Boolean> engineStart, Pglite pglite, Throwable serverFailure) {
            try {
                EngineThread.join(engineStart);
                thread.call(() -> {
                    pglite.engine.close(true);
                    return null;
                });
            } catch (RuntimeException | Error e) {
                serverFailure.addSuppressed(e);
            }
        }

        /** A clone's is its snapshot's; an explicit other one is refused. */
        private String database() {
            if (snapshot == null) {
                return database != null ? database : DatabaseStart.POSTGRES;
            }
            String cloned = snapshot.database();
            if (database != null && !database.equals(cloned)) {
                throw new IllegalArgumentException("database: '" + database + "' (expected: '" + cloned
                        + "', the database of the snapshot the clone starts from, or no withDatabase)");
            }
            return cloned;
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
