package io.pglite.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Instances start, stay isolated, fail cleanly and close without leaving anything behind. */
class PgliteLifecycleTest {

    @Test
    void twoInstancesAreIsolated() {
        try (Pglite a = Pglite.start(); Pglite b = Pglite.start()) {
            a.query("CREATE TABLE only_in_a (x int)");
            a.query("INSERT INTO only_in_a VALUES (42)");
            PgliteSqlException missing = assertThrows(PgliteSqlException.class, () -> b.query("SELECT * FROM only_in_a"));
            assertEquals("42P01", missing.sqlState());
            b.query("CREATE TABLE only_in_a (x int)");
            assertEquals("0", b.query("SELECT count(*) FROM only_in_a").singleValue());
            assertEquals("42", a.query("SELECT x FROM only_in_a").singleValue());
        }
    }

    @Test
    void closedInstanceRefusesCallsAndCloseIsIdempotent() {
        Pglite pg = Pglite.start();
        pg.close();
        pg.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pg.query("SELECT 1"));
        assertTrue(e.getMessage().endsWith("is closed"), e.getMessage());
    }

    @Test
    void backendFailureMarksTheInstanceFailedAndLaterCallsFailFast() {
        try (Pglite pg = Pglite.start()) {
            // an unknown frontend message type is FATAL for PostgreSQL: the backend exits
            byte[] garbage = ByteBuffer.allocate(5).put((byte) '?').putInt(4).array();
            PgliteFailedException first = assertThrows(PgliteFailedException.class, () -> pg.exchange(garbage));
            assertTrue(first.getMessage().contains("exited"), first.getMessage());
            assertTrue(pg.isFailed());
            PgliteFailedException later = assertThrows(PgliteFailedException.class, () -> pg.query("SELECT 1"));
            assertTrue(later.getMessage().contains("failed earlier"), later.getMessage());
        }
    }

    @Test
    void thousandSequentialQueriesDoNotGrowTheHeap() {
        try (Pglite pg = Pglite.start()) {
            pg.query("CREATE TABLE counter (n int)");
            for (int i = 0; i < 100; i++) {
                pg.query("INSERT INTO counter VALUES (" + i + ")");
            }
            long before = Heap.usedAfterGc();
            for (int i = 0; i < 1000; i++) {
                assertEquals(String.valueOf(i), pg.query("SELECT " + i).singleValue());
            }
            long growth = Heap.usedAfterGc() - before;
            assertTrue(growth < 16L << 20, "heap grew by " + growth + " bytes over 1,000 queries");
        }
    }

    @Test
    void hundredStartCloseCyclesLeaveNoThreadsOrHeapBehind() {
        for (int i = 0; i < 5; i++) {
            Pglite.start().close();
        }
        long before = Heap.usedAfterGc();
        int threadsBefore = Thread.activeCount();
        for (int i = 0; i < 100; i++) {
            try (Pglite pg = Pglite.start()) {
                assertEquals("1", pg.query("SELECT 1").singleValue());
            }
        }
        long growth = Heap.usedAfterGc() - before;
        assertTrue(growth < 64L << 20, "heap grew by " + growth + " bytes over 100 start/close cycles");
        assertEquals(Set.of(), TestThreads.namedAfterAtMost("pglite-", 5_000)); // the memory-zeroing thread ends after 1 s idle
        assertTrue(Thread.activeCount() <= threadsBefore + 1, "threads: " + threadsBefore + " -> " + Thread.activeCount());
    }

    /**
     * A JVM ends when its main thread returns: a closed instance leaves no thread behind that is not a
     * daemon. Netty's global executor has such a thread, which lingers a second after its last task;
     * one still running from earlier work is waited for first, so that it cannot hide a new one.
     */
    @Test
    void aClosedInstanceLeavesNoThreadThatKeepsTheJvmAlive() throws Exception {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("globalEventExecutor")) {
                thread.join(5_000);
            }
        }
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        try (Pglite pg = Pglite.start(); Connection c = DriverManager.getConnection(pg.jdbcUrl(), "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("SELECT 1");
        }
        Set<String> left = new java.util.TreeSet<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.isAlive() && !thread.isDaemon() && !before.contains(thread)) {
                left.add(thread.getName());
            }
        }
        assertEquals(Set.of(), left, "threads that are no daemons, started by the instance and alive after its close");
    }

    /**
     * The engine and I/O threads spin briefly between queries sent back to back; once the client
     * stops, they must sleep, not go on burning a core.
     */
    @Test
    void anIdleInstanceBurnsNoCpuAfterABurstOfQueries() throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (Pglite pg = Pglite.start(); Connection connection = DriverManager.getConnection(pg.jdbcUrl(), "postgres", "");
                Statement statement = connection.createStatement()) {
            for (int i = 0; i < 3000; i++) {
                try (ResultSet result = statement.executeQuery("SELECT 1")) {
                    assertTrue(result.next());
                }
                if (i % 10 == 0) {
                    pg.query("SELECT 1"); // the API's hand-off spins too
                }
            }
            Thread.sleep(100);
            long[] ids = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith(pg.name() + "-")).mapToLong(Thread::getId).toArray();
            assertEquals(2, ids.length, "the engine and the I/O thread");
            long before = cpuNanos(threads, ids);
            Thread.sleep(500);
            long used = cpuNanos(threads, ids) - before;
            assertTrue(used < 50_000_000L, "the idle instance's threads used " + used / 1_000_000 + " ms of CPU in 500 ms");
        }
    }

    private static long cpuNanos(ThreadMXBean threads, long[] ids) {
        long total = 0;
        for (long id : ids) {
            total += Math.max(0, threads.getThreadCpuTime(id));
        }
        return total;
    }
}
