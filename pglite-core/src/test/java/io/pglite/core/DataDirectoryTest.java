package io.pglite.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data directory modes, their lock and their durability. */
class DataDirectoryTest {
    @TempDir
    Path temp;

    @Test
    void memoryDataIsGoneAfterClose() {
        try (Pglite pg = Pglite.start()) {
            pg.query("CREATE TABLE ephemeral (x int)");
            assertTrue(pg.dataDirectory().isEmpty());
        }
        try (Pglite pg = Pglite.start()) {
            assertEquals("42P01", assertThrows(PgliteSqlException.class, () -> pg.query("SELECT * FROM ephemeral")).sqlState());
        }
    }

    @Test
    void userDirectoryIsInitialisedAndKeepsItsDataAcrossReopen() {
        Path dir = temp.resolve("cluster");
        try (Pglite pg = Pglite.builder().withDataDirectory(DataDirectory.at(dir)).start()) {
            assertEquals(dir, pg.dataDirectory().orElseThrow());
            pg.query("CREATE TABLE kept (x text)");
            pg.query("INSERT INTO kept VALUES ('survives')");
        }
        assertEquals("18", readString(dir.resolve("PG_VERSION")).trim());
        try (Pglite pg = Pglite.builder().withDataDirectory(DataDirectory.at(dir)).start()) {
            assertEquals("survives", pg.query("SELECT x FROM kept").singleValue());
        }
    }

    @Test
    void temporaryDirectoryIsDeletedOnCloseUnlessKept() {
        Path deleted;
        try (Pglite pg = Pglite.builder().withDataDirectory(DataDirectory.temporaryUnder(temp)).start()) {
            deleted = pg.dataDirectory().orElseThrow();
            assertTrue(Files.isRegularFile(deleted.resolve("PG_VERSION")));
        }
        assertFalse(Files.exists(deleted));

        Path kept;
        try (Pglite pg = Pglite.builder().withDataDirectory(DataDirectory.temporaryUnder(temp).keepAfterClose()).start()) {
            kept = pg.dataDirectory().orElseThrow();
            pg.query("CREATE TABLE inspect_me (x int)");
        }
        assertTrue(Files.isRegularFile(kept.resolve("PG_VERSION")));
    }

    @Test
    void secondOpenerInThisJvmGetsAClearError() {
        Path dir = temp.resolve("shared");
        try (Pglite first = Pglite.builder().withName("first-holder").withDataDirectory(DataDirectory.at(dir)).start()) {
            PgliteStartupException e = assertThrows(PgliteStartupException.class,
                    () -> Pglite.builder().withDataDirectory(DataDirectory.at(dir)).start());
            assertTrue(e.getMessage().contains("data directory " + dir + " is in use by"), e.getMessage());
            assertTrue(e.getMessage().contains("first-holder"), e.getMessage());
            assertEquals("1", first.query("SELECT 1").singleValue());
        }
        try (Pglite again = Pglite.builder().withDataDirectory(DataDirectory.at(dir)).start()) {
            assertEquals("1", again.query("SELECT 1").singleValue());
        }
    }

    @Test
    void foreignDirectoryIsRefused() throws IOException {
        Path notACluster = Files.createDirectories(temp.resolve("photos"));
        Files.writeString(notACluster.resolve("holiday.jpg"), "not a database");
        PgliteStartupException e = assertThrows(PgliteStartupException.class,
                () -> Pglite.builder().withDataDirectory(DataDirectory.at(notACluster)).start());
        assertTrue(e.getMessage().contains("is not empty and holds no PostgreSQL cluster"), e.getMessage());
        assertEquals(List.of("holiday.jpg"), names(notACluster));
    }

    @Test
    void clusterOfAnotherMajorVersionIsRefusedNamingIt() throws IOException {
        Path old = Files.createDirectories(temp.resolve("pg16"));
        Files.writeString(old.resolve("PG_VERSION"), "16\n");
        PgliteStartupException e = assertThrows(PgliteStartupException.class,
                () -> Pglite.builder().withDataDirectory(DataDirectory.at(old)).start());
        assertTrue(e.getMessage().contains("holds a PostgreSQL 16 cluster; pglite-java runs PostgreSQL 18"), e.getMessage());
    }

    @Test
    void committedRowsSurviveKillOfTheJvmAndTheLockIsTakenOver() throws Exception {
        Path dir = temp.resolve("durable");
        int rows = 25;
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), DurabilityChild.class.getName(), dir.toString(), String.valueOf(rows))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals("committed " + rows)) {
                if (line.equals("started")) {
                    PgliteStartupException locked = assertThrows(PgliteStartupException.class,
                            () -> Pglite.builder().withDataDirectory(DataDirectory.at(dir)).start());
                    assertTrue(locked.getMessage().contains("process " + child.pid()), locked.getMessage());
                }
            }
            assertEquals("committed " + rows, line);
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no checkpoint
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        try (Pglite pg = Pglite.builder().withDataDirectory(DataDirectory.at(dir)).start()) {
            assertEquals(String.valueOf(rows), pg.query("SELECT count(*) FROM acknowledged").singleValue());
        }
    }

    @Test
    void manyOpenCloseCyclesOfAFileBackedInstanceLeakNoDescriptorsThreadsOrHeap() throws IOException {
        Path dir = temp.resolve("cycles");
        for (int i = 0; i < 3; i++) {
            Pglite.builder().withDataDirectory(DataDirectory.at(dir)).start().close();
        }
        long descriptors = openDescriptors();
        TestThreads.namedAfterAtMost("pglite-", 5_000);
        int threads = Thread.activeCount();
        long heap = Heap.usedAfterGc();
        for (int i = 0; i < 200; i++) {
            try (Pglite pg = Pglite.builder().withDataDirectory(DataDirectory.at(dir)).withFsync(false).start()) {
                pg.query("SELECT 1");
            }
        }
        assertTrue(openDescriptors() <= descriptors + 2, "descriptors: " + descriptors + " -> " + openDescriptors());
        assertEquals(Set.of(), TestThreads.namedAfterAtMost("pglite-", 5_000));
        assertTrue(Thread.activeCount() <= threads + 1, "threads: " + threads + " -> " + Thread.activeCount());
        long growth = Heap.usedAfterGc() - heap;
        assertTrue(growth < 64L << 20, "heap grew by " + growth + " bytes over 200 cycles");
    }

    private static long openDescriptors() throws IOException {
        File fds = new File("/proc/self/fd");
        return fds.isDirectory() ? fds.list().length : 0;
    }

    private static List<String> names(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
