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
     * {@link #readFrom} and {@link Pglite.Builder#withSnapshot}. The file appears whole or not at all:
     * it is written to a temporary file beside it and moved into place, so concurrent writers of one
     * file (parallel builds sharing a cache) leave one of their copies.
     */
    public void writeTo(Path file) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        Path temporary = Files.createTempFile(directory, file.getFileName().toString(), ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(temporary)) {
                writeTo(out);
            }
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Writes the snapshot to {@code out}, as {@link #writeTo(Path)} writes a file; does not close it. */
    public void writeTo(OutputStream out) throws IOException {
        engine.writeTo(out);
    }

    /**
     * Reads a snapshot file written by {@link #writeTo}.
     *
     * @throws IOException when the file is missing, damaged, not a snapshot, or written by another
     *         build of pglite-java (the message says which build)
     */
    public static Snapshot readFrom(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return readFrom(in, "snapshot file " + file);
        }
    }

    /**
     * Reads a snapshot that {@link #writeTo(OutputStream)} wrote; {@code description} names the
     * source in error messages. It may read past the snapshot's end: put nothing after it.
     *
     * @throws IOException when the stream is damaged, not a snapshot, or written by another build
     */
    public static Snapshot readFrom(InputStream in, String description) throws IOException {
        return new Snapshot(EngineSnapshot.readFrom(in, description));
    }

    /**
     * The engine build that snapshot files are tied to, as one line: a file written by another build
     * is refused. Caches of snapshots (pglite-flyway's) put it into their keys.
     */
    public static String engineBuild() {
        return EngineSnapshot.engineBuild();
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
