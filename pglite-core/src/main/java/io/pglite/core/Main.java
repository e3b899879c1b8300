package io.pglite.core;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The standalone server: starts an instance and serves it until Ctrl-C.
 *
 * <pre>java -jar pglite-server.jar [--port 5432] [--host 127.0.0.1] [--data-dir DIR] [--database NAME]
 *     [--extensions a,b] [--user U --password P]</pre>
 */
public final class Main {
    private static final String USAGE = String.join(System.lineSeparator(),
            "usage: java -jar pglite-server.jar [options]",
            "  --port N          port to listen on (default 5432; 0 = a free port)",
            "  --host ADDRESS    address to bind (default 127.0.0.1)",
            "  --data-dir D      a directory (created if empty, reopened if it holds a cluster),",
            "                    temp:// or memory:// (the default)",
            "  --database NAME   the database to serve, created if the cluster lacks it (default postgres)",
            "  --extensions A,B  extensions to create at start, e.g. pgcrypto,vector",
            "  --list-extensions the extensions that ship, with their versions",
            "  --user U --password P   require this user and password (SCRAM-SHA-256); default: trust",
            "  --help            this text");

    private Main() {
    }

    /**
     * Parses {@code args} (see the usage above), starts the instance, prints its JDBC URL and a psql
     * command line, and serves until the JVM is stopped. Exits with status 2 for bad arguments and
     * 1 when the instance cannot start.
     */
    public static void main(String[] args) throws InterruptedException {
        Pglite.Builder builder;
        try {
            builder = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("pglite-server: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        if (builder == null) {
            return;
        }
        Pglite pg;
        try {
            pg = builder.start();
        } catch (PgliteStartupException e) {
            System.err.println("pglite-server: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            pg.close();
            System.out.println("pglite-server: stopped");
            stopped.countDown();
        }, "pglite-server-stop"));
        printReady(pg, System.out);
        stopped.await();
    }

    static void printReady(Pglite pg, PrintStream out) {
        out.println("pglite-server: " + pg.query("SELECT version()").singleValue());
        out.println("  JDBC URL: " + pg.jdbcUrl());
        out.println("  psql:     psql -h " + pg.host() + " -p " + pg.port() + " -U postgres " + pg.database());
        out.println("  data:     " + pg.dataDirectory().map(Path::toString).orElse("memory:// (gone when the server stops)"));
        out.println("Ready. Ctrl-C stops the server cleanly.");
        out.flush();
    }

    /** The builder the arguments describe; null, after printing what was asked, for --help and --list-extensions. */
    static Pglite.Builder parse(String[] args) {
        Pglite.Builder builder = Pglite.builder().withPort(5432);
        String user = null;
        String password = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                System.out.println(USAGE);
                return null;
            }
            if (arg.equals("--list-extensions")) {
                Pglite.availableExtensions().forEach((name, version) -> System.out.println(name + " " + version));
                return null;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + arg + " needs a value, or is unknown");
            }
            String value = args[++i];
            switch (arg) {
                case "--port":
                    try {
                        builder.withPort(Integer.parseInt(value));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("port: " + value + " (expected: 0..65535)");
                    }
                    break;
                case "--host":
                    builder.withHost(value);
                    break;
                case "--data-dir":
                    builder.withDataDirectory(DataDirectory.parse(value));
                    break;
                case "--database":
                    builder.withDatabase(value);
                    break;
                case "--extensions":
                    builder.withExtensions(value.split(","));
                    break;
                case "--user":
                    user = value;
                    break;
                case "--password":
                    password = value;
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        if ((user == null) != (password == null)) {
            throw new IllegalArgumentException("--user and --password go together");
        }
        if (user != null) {
            builder.withCredentials(user, password);
        }
        return builder;
    }
}
