package io.pglite.build;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FetchPackageTest {
    private static final List<String> DIST_FILES = List.of("pglite.wasm", "pglite.data", "initdb.wasm", "pglite.js");

    /** An npm command that cannot run: any attempt to call npm fails the test. */
    private static final List<String> NO_NPM = List.of("/nonexistent/npm");

    @TempDir
    Path dir;

    private Path cache;
    private Path tarball;
    private String integrity;

    @BeforeEach
    void cacheFakePackage() throws IOException {
        cache = dir.resolve("cache");
        Files.createDirectories(cache);
        tarball = cache.resolve("electric-sql-pglite-9.9.9.tgz");
        try (OutputStream file = new GZIPOutputStream(Files.newOutputStream(tarball));
             TarWriter tar = new TarWriter(file)) {
            tar.addFile("package/package.json", bytes("{}"));
            for (String name : DIST_FILES) {
                tar.addFile("package/dist/" + name, bytes(name));
            }
            tar.addFile("package/dist/hstore.tar.gz", bytes("hstore"));
            tar.addFile("package/dist/fs/nodefs.js", bytes("nodefs"));
        }
        integrity = Digests.integrity(tarball);
    }

    @Test
    void verifiedCachedTarballIsUsedWithoutNpm() throws Exception {
        FetchPackage fetch = new FetchPackage("@electric-sql/pglite", "9.9.9", integrity, DIST_FILES, cache, NO_NPM);

        assertEquals(tarball, fetch.tarball());
    }

    @Test
    void unpacksPackageTreeDistFilesAndExtensions() throws Exception {
        Path out = dir.resolve("out");

        new FetchPackage("@electric-sql/pglite", "9.9.9", integrity, DIST_FILES, cache, NO_NPM).unpack(tarball, out);

        assertArrayEquals(bytes("nodefs"), Files.readAllBytes(out.resolve("package/dist/fs/nodefs.js")));
        for (String name : DIST_FILES) {
            assertArrayEquals(bytes(name), Files.readAllBytes(out.resolve(name)));
        }
        assertArrayEquals(bytes("hstore"), Files.readAllBytes(out.resolve("extensions/hstore.tar.gz")));
    }

    @Test
    void unpackingAgainFromTheSameTarballLeavesOutputAlone() throws Exception {
        Path out = dir.resolve("out");
        FetchPackage fetch = new FetchPackage("@electric-sql/pglite", "9.9.9", integrity, DIST_FILES, cache, NO_NPM);
        fetch.unpack(tarball, out);
        Files.writeString(out.resolve("pglite.js"), "touched");

        fetch.unpack(tarball, out);

        assertEquals("touched", Files.readString(out.resolve("pglite.js")));
    }

    @Test
    void mismatchIsRefusedAndTheFileDeleted() throws IOException {
        String pinned = "sha512-" + "A".repeat(86) + "==";

        IOException e = assertThrows(IOException.class, () -> FetchPackage.verify(tarball, pinned));

        assertTrue(e.getMessage().startsWith("electric-sql-pglite-9.9.9.tgz: integrity " + integrity
                + " (expected: " + pinned + ", the pglite.integrity property)"), e.getMessage());
        assertFalse(Files.exists(tarball));
    }

    @Test
    void integrityOtherThanSha512IsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new FetchPackage("@electric-sql/pglite", "9.9.9", "sha1-abc", DIST_FILES, cache, NO_NPM));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
