package io.pglite.build;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Splits the real pglite.wasm, when a build of pglite-wasm has unpacked it, and checks the result with Chicory's
 * validating parser: every body fits the maximum, almost all the target, nothing before the split functions moved. (pglite-core's tests run
 * SQL through the split and compiled module.)
 */
class FunctionSplitterPgliteTest {

    private static final Path WASM = Path.of("../pglite-wasm/target/pglite/pglite.wasm");
    private static final int TARGET = 4_000;
    private static final int MAX = 30_000;

    @Test
    void splitsPgliteWasmIntoAValidModuleWithSmallBodies() throws IOException {
        assumeTrue(Files.isRegularFile(WASM), WASM + " not unpacked yet (built by pglite-wasm)");
        byte[] original = Files.readAllBytes(WASM);
        byte[] split = FunctionSplitter.split(original, TARGET, MAX);

        int[] before = FunctionSplitterTest.bodySizes(original);
        int[] after = FunctionSplitterTest.bodySizes(split);
        assertTrue(Arrays.stream(before).max().getAsInt() > 65_535, "pglite.wasm has bodies over 64 KiB");
        assertTrue(Arrays.stream(after).max().getAsInt() <= MAX, "largest body " + Arrays.stream(after).max());
        assertTrue(after.length > before.length, after.length + " bodies");
        long overTarget = Arrays.stream(after).filter(size -> size > TARGET).count();
        assertTrue(overTarget < 20, overTarget + " bodies left over the target (no region to outline)");
        for (int i = 0; i < before.length; i++) {
            if (before[i] <= TARGET) {
                assertEquals(before[i], after[i], "body " + i + " (not split) keeps its size");
            }
        }
        // dylink.0 stays the first section, byte for byte
        int dylinkEnd = 8 + 2 + (original[9] & 0xff);
        assertArrayEquals(Arrays.copyOfRange(original, 0, dylinkEnd), Arrays.copyOfRange(split, 0, dylinkEnd));

        WasmModule o = Parser.builder().withValidation(false).build().parse(original);
        WasmModule s = Parser.parse(split); // validates every body
        assertEquals(o.importSection().count(ExternalType.FUNCTION), s.importSection().count(ExternalType.FUNCTION));
        assertEquals(o.exportSection().exportCount(), s.exportSection().exportCount());
        for (int i = 0; i < o.exportSection().exportCount(); i++) {
            assertEquals(o.exportSection().getExport(i).index(), s.exportSection().getExport(i).index());
        }
        assertTrue(o.typeSection().typeCount() <= s.typeSection().typeCount());
        for (int i = 0; i < o.typeSection().typeCount(); i++) {
            assertEquals(o.typeSection().getType(i), s.typeSection().getType(i), "type " + i);
        }
        assertEquals(o.startSection().get().startIndex(), s.startSection().get().startIndex());
    }
}
