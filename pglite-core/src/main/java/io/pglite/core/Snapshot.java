package io.pglite.core;

import io.pglite.core.engine.EngineSnapshot;

/**
 * The complete state of an instance at one moment: data, catalog, sequences, settings and the
 * backend's memory. Immutable; {@link Pglite#restore} brings the instance back to it as many times
 * as wanted. Holds only what differs from the snapshot before it and non-zero memory.
 */
public final class Snapshot {
    final Pglite instance;
    final EngineSnapshot engine;

    Snapshot(Pglite instance, EngineSnapshot engine) {
        this.instance = instance;
        this.engine = engine;
    }

    /** The instance it was taken of. */
    public String instanceName() {
        return instance.name();
    }

    /** Bytes of heap held for the backend's memory (chunks shared with other snapshots counted in full). */
    public long memoryBytes() {
        return engine.memoryBytes();
    }

    @Override
    public String toString() {
        return "snapshot of " + instance.name() + " (" + memoryBytes() / 1024 + " KiB of memory)";
    }
}
