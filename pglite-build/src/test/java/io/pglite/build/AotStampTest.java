package io.pglite.build;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AotStampTest {

    @TempDir
    Path dir;

    @Test
    void recordedKeyVerifies() throws Exception {
        Path stamp = dir.resolve("aot.stamp");

        AotStamp.main(new String[] {"--action", "record", "--stamp", stamp.toString(), "--key", "PGlite 1"});

        assertDoesNotThrow(() -> AotStamp.verify(stamp, "PGlite 1"));
    }

    @Test
    void otherKeyFailsNamingBoth() throws Exception {
        Path stamp = dir.resolve("aot.stamp");
        BuildFiles.writeStamp(stamp, "PGlite 1");

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> AotStamp.verify(stamp, "PGlite 2"));

        assertEquals(stamp + " records AOT classes made from [PGlite 1] (expected: [PGlite 2])."
                + " Recompile them: mvn -pl pglite-wasm -am install -Paot-compile", e.getMessage());
    }
}
