package io.pglite.core;

import java.nio.file.Path;

/**
 * Run in a child JVM by {@link SnapshotFileTest}: starts a clone from a snapshot file written by
 * another JVM and prints the answer to a query.
 */
public final class SnapshotFileChild {
    private SnapshotFileChild() {
    }

    public static void main(String[] args) throws Exception {
        Snapshot snapshot = Snapshot.readFrom(Path.of(args[0]));
        try (Pglite pg = Pglite.builder().withSnapshot(snapshot).start()) {
            System.out.println("answer " + pg.query(args[1]).singleValue());
        }
    }
}
