package io.pglite.build;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A module shaped like pglite.wasm where it matters: a memory import before a function import, so that counting
 * all imports (2) instead of function imports (1) would shift every function index by one.
 */
class MetaFixerTest {

    private static final byte[] HEADER = {0, 'a', 's', 'm', 1, 0, 0, 0};
    private static final byte[] TYPES = {1, 0x60, 0, 0}; // one type: [] -> []
    private static final byte[] IMPORTS = concat(new byte[] {2},
            name("env"), name("memory"), new byte[] {0x02, 0x00, 0x01}, // memory, limits min 1
            name("env"), name("f"), new byte[] {0x00, 0x00}); // function of type 0 = function 0
    private static final byte[] FUNCTIONS = {3, 0, 0, 0}; // functions 1, 2 and 3, all of type 0
    private static final byte[] CUSTOM = concat(name("name"), new byte[] {1, 2, 3});

    /** What replaces every other body: size 3, no locals, {@code unreachable}, {@code end}. */
    private static final byte[] STUB = {3, 0, 0x00, 0x0b};

    private static final byte[] MODULE = concat(HEADER, section(1, TYPES), section(0, CUSTOM), section(2, IMPORTS),
            section(3, FUNCTIONS), section(10, concat(new byte[] {3}, body(1), body(2), body(3))), section(0, CUSTOM));

    /** Body of defined function {@code k}: no locals, {@code i32.const k}, {@code drop}, {@code end}. */
    private static byte[] body(int k) {
        return new byte[] {5, 0, 0x41, (byte) k, 0x1a, 0x0b};
    }

    @Test
    void keepsBodiesOfInterpretedFunctionsByFunctionImportCount() {
        byte[] meta = MetaFixer.fix(MODULE, Set.of(2));

        byte[] expected = concat(HEADER, section(1, TYPES), section(2, IMPORTS), section(3, FUNCTIONS),
                section(10, concat(new byte[] {3}, STUB, body(2), STUB)));
        assertArrayEquals(expected, meta);
    }

    @Test
    void keepsSeveralBodies() {
        byte[] meta = MetaFixer.fix(MODULE, Set.of(1, 3));

        byte[] expected = concat(HEADER, section(1, TYPES), section(2, IMPORTS), section(3, FUNCTIONS),
                section(10, concat(new byte[] {3}, body(1), STUB, body(3))));
        assertArrayEquals(expected, meta);
    }

    @Test
    void refusesIndexOfAnImportedFunction() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> MetaFixer.fix(MODULE, Set.of(0, 2)));

        assertEquals("interpreted functions [0] (expected: defined functions, 1 to 3)", e.getMessage());
    }

    @Test
    void refusesIndexPastTheLastFunction() {
        assertThrows(IllegalArgumentException.class, () -> MetaFixer.fix(MODULE, Set.of(4)));
    }

    @Test
    void refusesWhatIsNotAWasmModule() {
        byte[] text = "not wasm".getBytes(StandardCharsets.US_ASCII);

        assertThrows(IllegalArgumentException.class, () -> MetaFixer.fix(text, Set.of()));
    }

    @Test
    void refusesTruncatedSection() {
        byte[] truncated = Arrays.copyOf(MODULE, MODULE.length - 8);

        assertThrows(IllegalArgumentException.class, () -> MetaFixer.fix(truncated, Set.of(2)));
    }

    private static byte[] name(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        return concat(new byte[] {(byte) bytes.length}, bytes);
    }

    /** A section with a one-byte size (all sections here are shorter than 128 bytes). */
    private static byte[] section(int id, byte[] contents) {
        return concat(new byte[] {(byte) id, (byte) contents.length}, contents);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
