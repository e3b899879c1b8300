package io.pglite.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots written to a file and started from, in this JVM and in a later one. */
class SnapshotFileTest {

    private static Snapshot migratedDatabase(Pglite pg) {
        pg.query("CREATE TABLE accounts (id serial PRIMARY KEY, owner text NOT NULL, balance numeric DEFAULT 0)");
        pg.query("CREATE INDEX accounts_owner ON accounts (owner)");
        pg.query("INSERT INTO accounts (owner, balance) SELECT 'owner ' || g, g * 10 FROM generate_series(1, 500) g");
        pg.query("CREATE FUNCTION total() RETURNS numeric LANGUAGE plpgsql AS $$ BEGIN RETURN (SELECT sum(balance) FROM accounts); END $$");
        pg.query("SELECT total()");
        return pg.snapshot();
    }

    @Test
    void aSnapshotWrittenToAFileStartsAClone(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("migrated.snapshot");
        try (Pglite pg = Pglite.start()) {
            migratedDatabase(pg).writeTo(file);
        }
        long size = Files.size(file);
        assertTrue(size < 32L << 20, "snapshot file of " + (size >> 10) + " KiB");
        Snapshot read = Snapshot.readFrom(file);
        try (Pglite clone = Pglite.builder().withSnapshot(read).start()) {
            assertEquals("1252500", clone.query("SELECT total()").singleValue());
            assertEquals("501", clone.query("SELECT nextval('accounts_id_seq')").singleValue());
            clone.query("INSERT INTO accounts (owner) VALUES ('new')");
            Snapshot again = clone.snapshot();
            clone.query("DELETE FROM accounts");
            clone.restore(again);
            assertEquals("501", clone.query("SELECT count(*) FROM accounts").singleValue());
        }
    }

    @Test
    void aLaterJvmStartsFromTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("migrated.snapshot");
        try (Pglite pg = Pglite.start()) {
            migratedDatabase(pg).writeTo(file);
        }
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SnapshotFileChild.class.getName(), file.toString(),
                "SELECT total() || '/' || count(*) FROM accounts").redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, child.exitValue(), output);
        assertTrue(output.contains("answer 1252500/500"), output);
    }

    @Test
    void damagedForeignAndMissingFilesAreRefusedClearly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("s.snapshot");
        try (Pglite pg = Pglite.start()) {
            pg.snapshot().writeTo(file);
        }
        byte[] bytes = Files.readAllBytes(file);

        Path truncated = dir.resolve("truncated.snapshot");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        IOException damaged = assertThrows(IOException.class, () -> Snapshot.readFrom(truncated));
        assertTrue(damaged.getMessage().contains("is damaged"), damaged.getMessage());

        Path foreign = dir.resolve("foreign.snapshot");
        String text = new String(bytes, 0, 200, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("chicory.version=");
        byte[] changed = bytes.clone();
        changed[at + "chicory.version=".length()] = '9'; // as if written by a build with another Chicory
        Files.write(foreign, changed);
        IOException other = assertThrows(IOException.class, () -> Snapshot.readFrom(foreign));
        assertTrue(other.getMessage().contains("was written by another engine build"), other.getMessage());
        assertTrue(other.getMessage().contains("Take the snapshot again"), other.getMessage());

        Path formatOne = dir.resolve("format1.snapshot");
        byte[] older = bytes.clone();
        older[2 + "pglite-java snapshot".length() + 3] = 1; // the format, after the magic: as written before database names
        Files.write(formatOne, older);
        IOException old = assertThrows(IOException.class, () -> Snapshot.readFrom(formatOne));
        assertTrue(old.getMessage().contains("(format 1, "), old.getMessage());
        assertTrue(old.getMessage().contains("Take the snapshot again"), old.getMessage());

        Path notASnapshot = dir.resolve("text.snapshot");
        Files.writeString(notASnapshot, "hello");
        IOException wrong = assertThrows(IOException.class, () -> Snapshot.readFrom(notASnapshot));
        assertTrue(wrong.getMessage().contains("is not a pglite-java snapshot"), wrong.getMessage());

        assertThrows(IOException.class, () -> Snapshot.readFrom(dir.resolve("missing.snapshot")));
    }
}
