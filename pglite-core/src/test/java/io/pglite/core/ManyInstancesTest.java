package io.pglite.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Instances are independent: concurrency across them, and the memory ceiling of each. */
class ManyInstancesTest {

    @Test
    void eightInstancesQueriedFromEightThreadsStayIsolated() throws Exception {
        List<Pglite> instances = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int i = 0; i < 8; i++) {
                instances.add(Pglite.start());
            }
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Pglite pg = instances.get(i);
                int id = i;
                results.add(pool.submit(() -> {
                    pg.query("CREATE TABLE mine (owner int, n int)");
                    for (int n = 0; n < 50; n++) {
                        pg.query("INSERT INTO mine VALUES (" + id + ", " + n + ")");
                    }
                    return pg.query("SELECT count(*) || ':' || min(owner) || ':' || max(owner) FROM mine").singleValue();
                }));
            }
            for (int i = 0; i < 8; i++) {
                assertEquals("50:" + i + ":" + i, results.get(i).get());
            }
        } finally {
            pool.shutdownNow();
            instances.forEach(Pglite::close);
        }
    }

    @Test
    void eightInstancesServeEightJdbcClientsConcurrentlyEachOnItsOwnPort() throws Exception {
        List<Pglite> instances = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int i = 0; i < 8; i++) {
                instances.add(Pglite.start());
            }
            assertEquals(8, instances.stream().mapToInt(Pglite::port).distinct().count());
            for (Pglite pg : instances) {
                assertTrue(Pglite.running().contains(pg), "the registry lists " + pg.name());
            }
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Pglite pg = instances.get(i);
                int id = i;
                results.add(pool.submit(() -> {
                    try (java.sql.Connection c = java.sql.DriverManager.getConnection(pg.jdbcUrl(), "postgres", "");
                         java.sql.Statement s = c.createStatement()) {
                        s.execute("CREATE TABLE mine (owner int, n int)");
                        try (java.sql.PreparedStatement insert = c.prepareStatement("INSERT INTO mine VALUES (?, ?)")) {
                            for (int n = 0; n < 50; n++) {
                                insert.setInt(1, id);
                                insert.setInt(2, n);
                                insert.executeUpdate();
                            }
                        }
                        try (java.sql.ResultSet rs = s.executeQuery("SELECT count(*) || ':' || min(owner) || ':' || max(owner) FROM mine")) {
                            rs.next();
                            return rs.getString(1);
                        }
                    }
                }));
            }
            for (int i = 0; i < 8; i++) {
                assertEquals("50:" + i + ":" + i, results.get(i).get());
            }
        } finally {
            pool.shutdownNow();
            instances.forEach(Pglite::close);
        }
        for (Pglite pg : instances) {
            assertFalse(Pglite.running().contains(pg), "closed instances leave the registry");
        }
    }

    @Test
    void memoryCeilingGivesAnOutOfMemoryErrorAndTheInstanceCarriesOn() {
        try (Pglite pg = Pglite.builder().withMaxMemory(192L << 20).start()) {
            PgliteSqlException e = org.junit.jupiter.api.Assertions.assertThrows(PgliteSqlException.class,
                    () -> pg.query("SELECT length(string_agg(repeat('x', 1000000), '')) FROM generate_series(1, 200)"));
            assertEquals("53200", e.sqlState(), e.getMessage());
            assertTrue(e.getMessage().contains("out of memory"), e.getMessage());
            assertFalse(pg.isFailed());
            assertEquals("1", pg.query("SELECT 1").singleValue());
        }
    }
}
