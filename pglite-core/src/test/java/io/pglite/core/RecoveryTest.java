package io.pglite.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Health, restart after an engine failure, and the registry of running instances. */
class RecoveryTest {
    /** PostgreSQL treats an unknown frontend message type as FATAL: the backend exits. */
    private static final byte[] FATAL_MESSAGE = ByteBuffer.allocate(5).put((byte) '?').putInt(4).array();

    @TempDir
    Path temp;

    @Test
    void fileBackedInstanceRestartsAfterAFailureWithItsCommittedData() {
        Pglite.Builder builder = Pglite.builder().withDataDirectory(DataDirectory.at(temp.resolve("db")))
                .withRestartOnFailure(true);
        try (Pglite pg = builder.start()) {
            pg.query("CREATE TABLE survivors (x int)");
            pg.query("INSERT INTO survivors VALUES (1), (2)");
            PgliteFailedException e = assertThrows(PgliteFailedException.class, () -> pg.exchange(FATAL_MESSAGE));
            assertTrue(e.getMessage().contains("was restarted"), e.getMessage());
            assertTrue(pg.isHealthy());
            assertEquals("2", pg.query("SELECT count(*) FROM survivors").singleValue());
        }
    }

    @Test
    void withoutRestartAFailedInstanceIsUnhealthy() {
        try (Pglite pg = Pglite.start()) {
            assertTrue(pg.isHealthy());
            assertThrows(PgliteFailedException.class, () -> pg.exchange(FATAL_MESSAGE));
            assertFalse(pg.isHealthy());
        }
    }

    @Test
    void registryListsRunningInstancesUntilTheyClose() {
        try (Pglite pg = Pglite.builder().withName("listed").start()) {
            assertTrue(Pglite.running().contains(pg));
            assertTrue(pg.uptime().toNanos() > 0);
            pg.close();
            assertFalse(Pglite.running().contains(pg));
        }
    }
}
