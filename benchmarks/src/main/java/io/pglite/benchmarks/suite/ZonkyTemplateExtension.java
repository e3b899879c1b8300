package io.pglite.benchmarks.suite;

import io.zonky.test.db.postgres.embedded.DatabasePreparer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A database per test method the way Zonky's {@code PreparedDbProvider} makes them: one cluster for
 * the whole run ({@code EmbeddedPostgres.builder().start()}, in the root context); for each test
 * class a template database {@code tmpl_n} created and prepared once (the class's schema and rows);
 * for each test method a copy {@code CREATE DATABASE t_n TEMPLATE tmpl_n}, which the method reaches
 * through a {@code DataSource} or a {@code Connection} parameter (closed after the method). Like
 * Zonky's pipeline, the next copy is created ahead of time on a background thread, one at a time;
 * copies are never dropped (Zonky does not drop them either).
 *
 * <p>Unlike Zonky's own {@code PreparedDbExtension}, which starts a cluster for each distinct
 * preparer and makes one database per class when registered static, this keeps one cluster and
 * resets per method, as the benchmark's figure 7 asks.
 */
public final class ZonkyTemplateExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback,
        ParameterResolver {
    private static final Namespace NAMESPACE = Namespace.create(ZonkyTemplateExtension.class);
    private static final AtomicInteger TEMPLATES = new AtomicInteger();
    private static final AtomicInteger COPIES = new AtomicInteger();

    private final DatabasePreparer preparer;

    public ZonkyTemplateExtension(DatabasePreparer preparer) {
        this.preparer = preparer;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Cluster cluster = context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Cluster.class,
                key -> Cluster.start(), Cluster.class);
        String template = "tmpl_" + TEMPLATES.incrementAndGet();
        cluster.create(template, null);
        preparer.prepare(cluster.postgres.getDatabase("postgres", template));
        context.getStore(NAMESPACE).put(Copies.class, new Copies(cluster, template));
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        Copies copies = context.getStore(NAMESPACE).get(Copies.class, Copies.class);
        context.getStore(NAMESPACE).put(MethodDatabase.class, new MethodDatabase(copies.next()));
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        MethodDatabase database = context.getStore(NAMESPACE).remove(MethodDatabase.class, MethodDatabase.class);
        if (database != null) {
            database.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == DataSource.class || type == Connection.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        MethodDatabase database = context.getStore(NAMESPACE).get(MethodDatabase.class, MethodDatabase.class);
        if (database == null) {
            throw new ParameterResolutionException("no database outside test methods");
        }
        if (parameter.getParameter().getType() == DataSource.class) {
            return database.dataSource;
        }
        try {
            return database.connect();
        } catch (SQLException e) {
            throw new ParameterResolutionException("cannot connect to the test's database", e);
        }
    }

    /** The run's PostgreSQL cluster; stopped when the root context closes. */
    static final class Cluster implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        final EmbeddedPostgres postgres;
        private boolean closed;

        private Cluster(EmbeddedPostgres postgres) {
            this.postgres = postgres;
        }

        static Cluster start() {
            try {
                return new Cluster(EmbeddedPostgres.builder()
                        .setDataDirectory(Files.createTempDirectory("zonky-suite")).start());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start Zonky's PostgreSQL", e);
            }
        }

        void create(String name, String template) throws SQLException {
            try (Connection connection = postgres.getPostgresDatabase().getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE " + name + (template == null ? "" : " TEMPLATE " + template)
                        + " OWNER postgres ENCODING 'utf8'");
            }
        }

        @Override
        public synchronized void close() throws IOException {
            if (!closed) {
                closed = true;
                postgres.close();
            }
        }
    }

    /** A class's template and the next copy of it, made ahead on a thread of its own. */
    static final class Copies implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        private final Cluster cluster;
        private final String template;
        private final ExecutorService ahead = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "zonky-template-copies");
            thread.setDaemon(true);
            return thread;
        });
        private CompletableFuture<String> next;
        private boolean closed;

        Copies(Cluster cluster, String template) {
            this.cluster = cluster;
            this.template = template;
            next = makeAhead();
        }

        private CompletableFuture<String> makeAhead() {
            return CompletableFuture.supplyAsync(() -> {
                String name = "t_" + COPIES.incrementAndGet();
                try {
                    cluster.create(name, template);
                } catch (SQLException e) {
                    throw new IllegalStateException("cannot copy " + template + " to " + name, e);
                }
                return name;
            }, ahead);
        }

        /** A fresh copy of the template; starts making the one after it. */
        synchronized DataSource next() {
            String name = next.join();
            next = makeAhead();
            return cluster.postgres.getDatabase("postgres", name);
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                next.exceptionally(e -> null).join(); // the cluster must outlive the copy being made
                ahead.shutdown();
            }
        }
    }

    /** A test method's copy and the connections opened for its parameters. */
    private static final class MethodDatabase {
        final DataSource dataSource;
        private final List<Connection> connections = new ArrayList<>();

        MethodDatabase(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        Connection connect() throws SQLException {
            Connection connection = dataSource.getConnection();
            connections.add(connection);
            return connection;
        }

        void close() throws SQLException {
            for (Connection connection : connections) {
                connection.close();
            }
        }
    }
}
