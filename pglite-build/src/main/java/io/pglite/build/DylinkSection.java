package io.pglite.build;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code dylink.0} custom section of an Emscripten side module: how much memory and how many
 * table slots the loader must reserve for it, and which libraries it needs. Export and import
 * info and unknown subsections (PGlite's modules carry an id 6 holding "wasm32") are skipped.
 *
 * @param memoryAlignment log2 of the alignment of the module's memory block
 */
record DylinkSection(int memorySize, int memoryAlignment, int tableSize, int tableAlignment, List<String> needed) {
    private static final int MEM_INFO = 1;
    private static final int NEEDED = 2;

    /** @throws IllegalArgumentException if {@code module} is not a side module */
    static DylinkSection parse(byte[] module) {
        if (module.length < 8 || module[0] != 0 || module[1] != 'a' || module[2] != 's' || module[3] != 'm') {
            throw new IllegalArgumentException("not a WebAssembly module");
        }
        WasmReader in = new WasmReader(module, 8);
        try {
            if (in.position < module.length && in.u8() == 0) {
                int size = in.u32();
                int end = in.position + size;
                if ("dylink.0".equals(in.name())) {
                    return parseSubsections(in, end);
                }
            }
        } catch (IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("truncated dylink.0 section", e);
        }
        throw new IllegalArgumentException("no dylink.0 section: not an Emscripten side module");
    }

    private static DylinkSection parseSubsections(WasmReader in, int end) {
        int memorySize = 0;
        int memoryAlignment = 0;
        int tableSize = 0;
        int tableAlignment = 0;
        List<String> needed = new ArrayList<>();
        while (in.position < end) {
            int type = in.u8();
            int size = in.u32();
            int next = in.position + size;
            if (type == MEM_INFO) {
                memorySize = in.u32();
                memoryAlignment = in.u32();
                tableSize = in.u32();
                tableAlignment = in.u32();
            } else if (type == NEEDED) {
                int count = in.u32();
                for (int i = 0; i < count; i++) {
                    needed.add(in.name());
                }
            }
            in.position = next; // export/import info and unknown subsections are not needed
        }
        return new DylinkSection(memorySize, memoryAlignment, tableSize, tableAlignment, List.copyOf(needed));
    }
}
