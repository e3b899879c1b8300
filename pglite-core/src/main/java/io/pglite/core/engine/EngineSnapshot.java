package io.pglite.core.engine;

import io.pglite.core.wasm.DynamicLinkImports;
import io.pglite.core.wasm.FileSystemImports;
import io.pglite.core.wasm.MemoryImage;

/**
 * Everything an idle backend is, at one moment: its wasm memory, globals and function table, the
 * side modules it linked, its files and descriptors. Immutable once taken; restored in place by the
 * engine that took it.
 */
public final class EngineSnapshot {
    final Engine owner;
    final MemoryImage memory;
    final long[] globals;
    final DynamicLinkImports.State linker;
    final FileSystemImports.Snapshot files;

    EngineSnapshot(Engine owner, MemoryImage memory, long[] globals, DynamicLinkImports.State linker,
            FileSystemImports.Snapshot files) {
        this.owner = owner;
        this.memory = memory;
        this.globals = globals;
        this.linker = linker;
        this.files = files;
    }

    /** Bytes of heap the memory image holds (chunks shared with other snapshots counted in full). */
    public long memoryBytes() {
        return memory.retainedBytes();
    }
}
