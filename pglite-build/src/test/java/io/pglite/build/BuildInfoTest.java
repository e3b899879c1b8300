package io.pglite.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pglite.build.BuildInfo.PostgresVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BuildInfoTest {

    private static final byte[] WASM = ("\0asm\u0001\0\0\0...\0PostgreSQL 18.6 (PGlite 0.5.16) on"
            + " wasm32-unknown-emscripten, compiled by emcc\0...").getBytes(StandardCharsets.ISO_8859_1);

    @Test
    void readsPostgresVersionFromTheWasm() {
        assertEquals(new PostgresVersion("18", "18.6"), PostgresVersion.find(WASM, "0.5.16"));
    }

    @Test
    void refusesWasmOfAnotherPgliteVersion() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> PostgresVersion.find(WASM, "0.6.0"));

        assertEquals("wasm version string: PostgreSQL 18.6 (PGlite 0.5.16) (expected: PGlite 0.6.0)", e.getMessage());
    }

    @Test
    void refusesWasmWithoutVersionString() {
        assertThrows(IllegalArgumentException.class, () -> PostgresVersion.find(new byte[16], "0.5.16"));
    }
}
