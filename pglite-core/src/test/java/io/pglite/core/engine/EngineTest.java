package io.pglite.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pglite.core.fs.MemoryVolume;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Start-up failures explain themselves. */
class EngineTest {
    private static final EngineSettings SETTINGS = new EngineSettings("postgres", "postgres", 32767, false, java.util.List.of());

    @Test
    void startOnAnEmptyDataDirectoryFailsWithTheBackendsOwnMessage() {
        EngineStartException e = assertThrows(EngineStartException.class,
                () -> Engine.start("empty", InstanceFiles.withCluster("empty", MemoryVolume.empty()), SETTINGS));
        assertTrue(e.getMessage().startsWith("empty: PostgreSQL did not start (exit status 1)"), e.getMessage());
        assertTrue(e.getMessage().contains("PostgreSQL log:"), e.getMessage());
        assertTrue(e.getMessage().contains("postgresql.conf"), e.getMessage());
    }

    @Test
    void everyEngineStartsWithTheModulesTableSizeHoweverFarOthersGrewTheirs() throws Exception {
        EngineThread thread = new EngineThread("table-test", 512L << 20);
        try {
            List<Integer> sizes = thread.call(() -> {
                List<Integer> started = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    Engine engine = Engine.start("table-" + i, InstanceFiles.inMemory("table-" + i), SETTINGS);
                    started.add(engine.tableSize());
                    engine.close(false);
                }
                return started;
            });
            assertEquals(List.of(sizes.get(0), sizes.get(0), sizes.get(0)), sizes);
        } finally {
            thread.close();
        }
    }

    @Test
    void missingAssetNamesTheArtifact() {
        EngineStartException e = assertThrows(EngineStartException.class, () -> EngineAssets.read("no-such-asset"));
        assertTrue(e.getMessage().contains("io/pglite/wasm/no-such-asset"), e.getMessage());
        assertTrue(e.getMessage().contains("io.pglite:pglite-wasm"), e.getMessage());
    }
}
