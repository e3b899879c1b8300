package io.pglite.benchmarks;

import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/** A started database instance, driven the same way by every probe whatever its kind. */
interface Database extends AutoCloseable {

    /** Runs {@code SELECT 1} and returns the value it answered. */
    int selectOne() throws Exception;

    /** Runs {@code SELECT 1} and fails unless it answered 1. */
    default void requireSelectOne() throws Exception {
        int value = selectOne();
        if (value != 1) {
            throw new IllegalStateException("SELECT 1 answered " + value);
        }
    }

    /** The ways of running {@code SELECT 1} that the round-trip figure times, by name, in order. */
    Map<String, RoundTrip> roundTrips() throws Exception;

    /**
     * A JDBC URL, user included, of the instance's {@code postgres} database for pgjdbc: pglite's
     * wire-protocol server, Zonky's postmaster.
     */
    String jdbcUrl();

    /** Named parts (in ms) of the start and first query that the instance itself can tell. */
    Map<String, Double> breakdown();

    /** Operating-system processes that belong to the instance, other than this JVM. */
    List<Long> serverProcesses();

    @Override
    void close() throws IOException, SQLException;

    /** One {@code SELECT 1}, as timed by the round-trip figure. */
    @FunctionalInterface
    interface RoundTrip {
        void run() throws Exception;
    }
}
