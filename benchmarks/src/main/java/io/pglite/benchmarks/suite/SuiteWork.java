package io.pglite.benchmarks.suite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * What every class and method of the synthetic suite does to its database, whatever gives it the
 * database: the class's setup creates a table and inserts {@value #SETUP_ROWS} rows; each method
 * inserts {@value #OWN_ROWS} rows of its own and checks that it sees exactly those and the setup's.
 */
public final class SuiteWork {
    public static final int SETUP_ROWS = 5;
    public static final int OWN_ROWS = 3;
    static final String SETUP_OWNER = "setup";

    private SuiteWork() {
    }

    /** The class's setup: the table and its rows. */
    public static void prepare(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE items (id serial PRIMARY KEY, owner text NOT NULL, n integer NOT NULL,"
                    + " created timestamptz NOT NULL DEFAULT now())");
            statement.execute("CREATE INDEX items_owner ON items (owner)");
            statement.execute("INSERT INTO items (owner, n) SELECT '" + SETUP_OWNER + "', g FROM generate_series(1, "
                    + SETUP_ROWS + ") g");
        }
    }

    /** A test method's work on a connection of its own, which it closes. */
    static void run(DataSource dataSource, String owner) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            run(connection, owner);
        }
    }

    /** A test method's work on a connection it is given. */
    static void run(Connection connection, String owner) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO items (owner, n) VALUES (?, ?)")) {
            for (int i = 1; i <= OWN_ROWS; i++) {
                insert.setString(1, owner);
                insert.setInt(2, i);
                insert.executeUpdate();
            }
        }
        try (PreparedStatement count = connection.prepareStatement("SELECT count(*), count(*) FILTER (WHERE owner = ?),"
                + " count(*) FILTER (WHERE owner = '" + SETUP_OWNER + "') FROM items")) {
            count.setString(1, owner);
            try (ResultSet result = count.executeQuery()) {
                result.next();
                long all = result.getLong(1);
                long own = result.getLong(2);
                long setup = result.getLong(3);
                if (all != SETUP_ROWS + OWN_ROWS || own != OWN_ROWS || setup != SETUP_ROWS) {
                    throw new AssertionError(owner + " expected " + (SETUP_ROWS + OWN_ROWS) + " rows (" + OWN_ROWS
                            + " own, " + SETUP_ROWS + " of the setup), saw " + all + " (" + own + " own, " + setup
                            + " of the setup)");
                }
            }
        }
    }
}
