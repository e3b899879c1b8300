package io.pglite.core.wasm;

import static io.pglite.core.wasm.TypeIndexAlignerTest.bytes;
import static io.pglite.core.wasm.TypeIndexAlignerTest.cat;
import static io.pglite.core.wasm.TypeIndexAlignerTest.module;
import static io.pglite.core.wasm.TypeIndexAlignerTest.name;
import static io.pglite.core.wasm.TypeIndexAlignerTest.section;
import static io.pglite.core.wasm.TypeIndexAlignerTest.vec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.List;
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
        assertEquals(new DylinkSection(31_432, 4, 38, 0, List.of()),
                DylinkSection.parse(TypeIndexAlignerTest.bundledSideModule("plpgsql.so")));
        assertEquals(new DylinkSection(268_708, 4, 159, 0, List.of()),
                DylinkSection.parse(TypeIndexAlignerTest.bundledSideModule("dict_snowball.so")));
    }
}
