package io.pglite.core;

import io.pglite.core.engine.EngineSnapshot;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The complete state of an instance at one moment: data, catalog, sequences, settings and the
 * backend's memory. Immutable; {@link Pglite#restore} brings the instance back to it as many times
 * as wanted. Holds only what differs from the snapshot before it and non-zero memory.
 */
public final class Snapshot {
    final EngineSnapshot engine;

    Snapshot(EngineSnapshot engine) {
        this.engine = engine;
    }

    /** The name of the instance it was taken of. */
    public String instanceName() {
        return engine.source();
    }

    /**
     * The database its instance served; a clone started from it serves that database, and only an
     * instance serving it can {@link Pglite#restore} it.
     */
    public String database() {
        return engine.database();
    }

    /**
     * Writes the snapshot to {@code file} (compressed; chunks of the shipped cluster are written as
     * references), so that a later JVM with the same pglite-java build can start from it with
     * {@link #readFrom} and {@link Pglite.Builder#withSnapshot}.
     */
    public void writeTo(Path file) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(temporary)) {
            engine.writeTo(out);
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Reads a snapshot file written by {@link #writeTo}.
     *
     * @throws IOException when the file is missing, damaged, not a snapshot, or written by another
     *         build of pglite-java (the message says which build)
     */
    public static Snapshot readFrom(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return new Snapshot(EngineSnapshot.readFrom(in, "snapshot file " + file));
        }
    }

    /** Bytes of heap held for the backend's memory (chunks shared with other snapshots counted in full). */
    public long memoryBytes() {
        return engine.memoryBytes();
    }

    @Override
    public String toString() {
        return "snapshot of " + instanceName() + ", database " + database() + " (" + memoryBytes() / 1024 + " KiB of memory)";
    }
}
