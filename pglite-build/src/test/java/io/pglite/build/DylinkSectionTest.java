package io.pglite.build;

import static io.pglite.build.TypeIndexAlignerTest.bytes;
import static io.pglite.build.TypeIndexAlignerTest.cat;
import static io.pglite.build.TypeIndexAlignerTest.module;
import static io.pglite.build.TypeIndexAlignerTest.name;
import static io.pglite.build.TypeIndexAlignerTest.section;
import static io.pglite.build.TypeIndexAlignerTest.vec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The loader learns a side module's memory and table needs from its dylink.0 section. */
class DylinkSectionTest {
    private static byte[] subsection(int id, byte[]... content) {
        return section(id, content); // same shape: id, size, content
    }

    @Test
    void memoryInfoAndNeededLibrariesAreReadAndOtherSubsectionsSkipped() {
        byte[] module = module(section(0, name("dylink.0"),
                subsection(1, bytes(0xc8, 0xf5, 0x01, 4, 38, 0)),
                subsection(2, vec(name("libfoo.so"), name("libbar.so"))),
                subsection(3, vec(cat(name("exported"), bytes(0)))),
                subsection(4, vec(cat(name("GOT.mem"), name("x"), bytes(0)))),
                subsection(6, name("wasm32"))));
        assertEquals(new DylinkSection(31_432, 4, 38, 0, List.of("libfoo.so", "libbar.so")), DylinkSection.parse(module));
    }

    @Test
    void moduleWithoutDylinkIsNotASideModule() {
        byte[] plain = module(section(0, name("name"), bytes(0)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DylinkSection.parse(plain));
        assertEquals("no dylink.0 section: not an Emscripten side module", e.getMessage());
    }

    @Test
    void pgliteSideModulesDeclareTheirMemoryAndTable() throws IOException {
        Path dir = Path.of("../pglite-wasm/target/pglite");
        assumeTrue(Files.isRegularFile(dir.resolve("pglite.data")), dir + " not unpacked yet (built by pglite-wasm)");
        Map<String, byte[]> modules = SideModuleCompiler.sideModules(dir.resolve("pglite.js"), dir.resolve("pglite.data"), List.of());
        assertEquals(new DylinkSection(31_432, 4, 38, 0, List.of()),
                DylinkSection.parse(modules.get("/pglite/lib/postgresql/plpgsql.so")));
        assertEquals(new DylinkSection(268_708, 4, 159, 0, List.of()),
                DylinkSection.parse(modules.get("/pglite/lib/postgresql/dict_snowball.so")));
    }
}
