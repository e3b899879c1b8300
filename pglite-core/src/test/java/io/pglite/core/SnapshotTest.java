package io.pglite.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;

/** Snapshots restored in place: data, sequences, loaded modules, clients across a restore. */
class SnapshotTest {

    @Test
    void restoreDiscardsWhatWasWrittenAfterTheSnapshotAndSequencesContinueFromIt() {
        try (Pglite pg = Pglite.start()) {
            pg.query("CREATE TABLE items (id serial PRIMARY KEY, name text)");
            pg.query("INSERT INTO items (name) VALUES ('a'), ('b'), ('c')");
            Snapshot snapshot = pg.snapshot();
            pg.query("INSERT INTO items (name) VALUES ('d')");
            pg.query("DELETE FROM items WHERE name = 'a'");
            pg.query("CREATE TABLE later (x int)");
            pg.query("SELECT nextval('items_id_seq')");
            pg.restore(snapshot);
            assertEquals("a,b,c", pg.query("SELECT string_agg(name, ',' ORDER BY id) FROM items").singleValue());
            assertEquals("0", pg.query("SELECT count(*) FROM pg_class WHERE relname = 'later'").singleValue());
            assertEquals("4", pg.query("SELECT nextval('items_id_seq')").singleValue());
            pg.query("INSERT INTO items (name) VALUES ('e')");
            pg.restore(snapshot); // the same snapshot again
            assertEquals("3", pg.query("SELECT count(*) FROM items").singleValue());
        }
    }

    @Test
    void aSnapshotCanBeRestoredAfterAnotherOne() {
        try (Pglite pg = Pglite.start()) {
            pg.query("CREATE TABLE t (x int)");
            Snapshot empty = pg.snapshot();
            pg.query("INSERT INTO t VALUES (1)");
            Snapshot one = pg.snapshot();
            pg.query("INSERT INTO t VALUES (2)");
            pg.restore(empty);
            assertEquals("0", pg.query("SELECT count(*) FROM t").singleValue());
            pg.restore(one);
            assertEquals("1", pg.query("SELECT count(*) FROM t").singleValue());
            pg.restore(empty);
            assertEquals("0", pg.query("SELECT count(*) FROM t").singleValue());
        }
    }

    @Test
    void sideModulesLoadedBeforeOrAfterTheSnapshotWorkAfterARestore() {
        try (Pglite pg = Pglite.start()) {
            Snapshot beforePlpgsql = pg.snapshot();
            pg.query("CREATE FUNCTION twice(x int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 2 * x; END $$");
            assertEquals("42", pg.query("SELECT twice(21)").singleValue());
            Snapshot withPlpgsql = pg.snapshot();
            for (int i = 0; i < 3; i++) {
                pg.restore(beforePlpgsql);
                assertThrows(PgliteSqlException.class, () -> pg.query("SELECT twice(1)"));
                pg.query("DO $$ BEGIN PERFORM 1; END $$"); // plpgsql is linked again
                pg.restore(withPlpgsql);
                assertEquals("8", pg.query("SELECT twice(4)").singleValue());
            }
        }
    }

    @Test
    void aThousandRestoresDoNotGrowTheHeap() throws Exception {
        try (Pglite pg = Pglite.start()) {
            pg.query("CREATE TABLE t (id serial, payload text)");
            Snapshot snapshot = pg.snapshot();
            long baseline = 0;
            for (int i = 0; i < 1000; i++) {
                pg.query("INSERT INTO t (payload) SELECT repeat('x', 100) FROM generate_series(1, 10)");
                pg.restore(snapshot);
                if (i == 100) {
                    baseline = Heap.usedAfterGc();
                }
            }
            assertEquals("0", pg.query("SELECT count(*) FROM t").singleValue());
            long growth = Heap.usedAfterGc() - baseline;
            assertTrue(growth < 32L << 20, "heap grew by " + (growth >> 10) + " KiB over 900 restores");
        }
    }

    @Test
    void aPooledDataSourceKeepsWorkingAcrossTwoHundredRestoresWithPreparedStatements() throws Exception {
        try (Pglite pg = Pglite.start()) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(pg.jdbcUrl() + "?prepareThreshold=1");
            config.setUsername("postgres");
            config.setMaximumPoolSize(4);
            try (HikariDataSource pool = new HikariDataSource(config)) {
                try (Connection c = pool.getConnection()) {
                    c.createStatement().execute("CREATE TABLE orders (id serial PRIMARY KEY, item text)");
                }
                Snapshot empty = pg.snapshot();
                for (int i = 0; i < 200; i++) {
                    try (Connection c = pool.getConnection();
                         PreparedStatement insert = c.prepareStatement("INSERT INTO orders (item) VALUES (?) RETURNING id");
                         PreparedStatement count = c.prepareStatement("SELECT count(*) FROM orders WHERE item <> ?")) {
                        insert.setString(1, "item " + i);
                        try (ResultSet rs = insert.executeQuery()) {
                            assertTrue(rs.next());
                            assertEquals(1, rs.getInt(1), "the sequence starts again after every restore");
                        }
                        count.setString(1, "");
                        try (ResultSet rs = count.executeQuery()) {
                            assertTrue(rs.next());
                            assertEquals(1, rs.getInt(1));
                        }
                    }
                    pg.restore(empty);
                }
            }
        }
    }

    @Test
    void statementsPreparedBeforeTheSnapshotAndAfterItBothWorkAfterARestore() throws Exception {
        try (Pglite pg = Pglite.start(); Connection c = DriverManager.getConnection(pg.jdbcUrl() + "?prepareThreshold=1", "postgres", "")) {
            PreparedStatement before = c.prepareStatement("SELECT ?::int + 1");
            for (int i = 0; i < 3; i++) {
                before.setInt(1, i);
                before.executeQuery().close(); // server-prepared before the snapshot: the restored backend has it
            }
            Snapshot snapshot = pg.snapshot();
            PreparedStatement after = c.prepareStatement("SELECT ?::int + 2");
            for (int round = 0; round < 5; round++) {
                for (int i = 0; i < 3; i++) {
                    after.setInt(1, i);
                    after.executeQuery().close(); // prepared after it: gone after each restore, prepared again
                }
                pg.restore(snapshot);
                before.setInt(1, 41);
                try (ResultSet rs = before.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(42, rs.getInt(1));
                }
                after.setInt(1, 40);
                try (ResultSet rs = after.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(42, rs.getInt(1));
                }
            }
        }
    }

    @Test
    void restoringAnotherInstancesSnapshotKeepsThisInstancesStatementsApart() throws Exception {
        try (Pglite a = Pglite.start(); Pglite b = Pglite.start();
             Connection onA = DriverManager.getConnection(a.jdbcUrl() + "?prepareThreshold=1", "postgres", "");
             Connection onB = DriverManager.getConnection(b.jdbcUrl() + "?prepareThreshold=1", "postgres", "")) {
            PreparedStatement psA = onA.prepareStatement("SELECT ?::int + 1");
            PreparedStatement psB = onB.prepareStatement("SELECT ?::int + 100"); // both S_1 of connection 1001
            for (int i = 0; i < 2; i++) {
                psA.setInt(1, 0);
                psA.executeQuery().close();
                psB.setInt(1, 0);
                psB.executeQuery().close();
            }
            b.restore(a.snapshot());
            psB.setInt(1, 5);
            try (ResultSet rs = psB.executeQuery()) {
                assertTrue(rs.next());
                assertEquals(105, rs.getInt(1), "b's own statement, prepared again, not a's of the same name");
            }
        }
    }

    @Test
    void anotherInstancesSnapshotRestoredAgainAndAgainGivesItsStateEveryTime() {
        try (Pglite source = Pglite.start(); Pglite target = Pglite.start()) {
            source.query("CREATE TABLE items (id serial PRIMARY KEY, name text)");
            source.query("INSERT INTO items (name) SELECT 'item ' || i FROM generate_series(1, 50) i");
            Snapshot foreign = source.snapshot();
            target.query("CREATE TABLE only_on_target (id int)");
            Snapshot own = target.snapshot();
            for (int round = 0; round < 5; round++) {
                target.restore(foreign);
                assertEquals("50", target.query("SELECT count(*) FROM items").singleValue());
                assertEquals("0", target.query("SELECT count(*) FROM pg_class WHERE relname = 'only_on_target'").singleValue());
                target.query("INSERT INTO items (name) VALUES ('written on the target')");
                target.query("CREATE TABLE scratch_" + round + " (id int)");
                assertEquals("52", target.query("SELECT nextval('items_id_seq')").singleValue(),
                        "the sequence continues from the snapshot's value, plus this round's insert");
                if (round % 2 == 1) {
                    target.restore(own);
                    assertEquals("1", target.query("SELECT count(*) FROM pg_class WHERE relname = 'only_on_target'").singleValue());
                }
            }
            target.restore(foreign);
            assertEquals("0", target.query("SELECT count(*) FROM pg_class WHERE relname LIKE 'scratch_%'").singleValue());
            assertEquals("50", source.query("SELECT count(*) FROM items").singleValue(), "the source is untouched");
        }
    }

    @Test
    void statementsPreparedAgainAfterARestoreInsideTransactionsKeepTheProtocolInStep() throws Exception {
        try (Pglite pg = Pglite.start()) {
            pg.query("CREATE TABLE stock (sku text PRIMARY KEY, left_over integer NOT NULL)");
            pg.query("INSERT INTO stock VALUES ('book', 10)");
            Snapshot clean = pg.snapshot();
            // pgjdbc sends BEGIN as a simple Query before the server-prepared UPDATE: the ReadyForQuery
            // of the BEGIN comes before the ParseComplete of the UPDATE the server prepares again
            try (Connection connection = DriverManager.getConnection(pg.jdbcUrl() + "?prepareThreshold=1", "postgres", "")) {
                for (int round = 0; round < 4; round++) {
                    pg.restore(clean);
                    for (int order = 0; order < 3; order++) {
                        connection.setAutoCommit(false);
                        try (PreparedStatement take = connection.prepareStatement(
                                "UPDATE stock SET left_over = left_over - ? WHERE sku = ? AND left_over >= ?")) {
                            take.setInt(1, 1);
                            take.setString(2, "book");
                            take.setInt(3, 1);
                            assertEquals(1, take.executeUpdate());
                        }
                        connection.commit();
                        connection.setAutoCommit(true);
                    }
                    try (PreparedStatement left = connection.prepareStatement("SELECT left_over FROM stock");
                            ResultSet rs = left.executeQuery()) {
                        assertTrue(rs.next());
                        assertEquals(7, rs.getInt(1), "round " + round);
                    }
                }
            }
        }
    }

    @Test
    void aRestoreWaitsForAClientTransactionToEnd() throws Exception {
        try (Pglite pg = Pglite.start(); Connection c = DriverManager.getConnection(pg.jdbcUrl(), "postgres", "")) {
            c.createStatement().execute("CREATE TABLE t (x int)");
            Snapshot snapshot = pg.snapshot();
            c.setAutoCommit(false);
            c.createStatement().execute("INSERT INTO t VALUES (1)");
            CompletableFuture<Void> restore = CompletableFuture.runAsync(() -> pg.restore(snapshot));
            Thread.sleep(300);
            assertFalse(restore.isDone(), "the restore waits while the transaction is open");
            c.commit();
            restore.get(10, TimeUnit.SECONDS);
            c.setAutoCommit(true);
            try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM t")) {
                assertTrue(rs.next());
                assertEquals(0, rs.getInt(1), "the committed row is gone: the restore ran after the commit");
            }
        }
    }

    @Test
    void aRestoreThatWaitsTooLongFailsClearlyAndChangesNothing() throws Exception {
        try (Pglite pg = Pglite.builder().withConnectionWaitTimeout(Duration.ofMillis(300)).start();
             Connection c = DriverManager.getConnection(pg.jdbcUrl(), "postgres", "")) {
            c.createStatement().execute("CREATE TABLE t (x int)");
            Snapshot snapshot = pg.snapshot();
            c.setAutoCommit(false);
            c.createStatement().execute("INSERT INTO t VALUES (1)");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pg.restore(snapshot));
            assertTrue(e.getMessage().contains("restore waited 300 ms for the backend"), e.getMessage());
            c.commit();
            assertEquals("1", pg.query("SELECT count(*) FROM t").singleValue());
        }
    }

    @Test
    void notificationsStillReachTheirListenerAfterARestore() throws Exception {
        try (Pglite pg = Pglite.start();
             Connection listener = DriverManager.getConnection(pg.jdbcUrl(), "postgres", "");
             Connection sender = DriverManager.getConnection(pg.jdbcUrl(), "postgres", "")) {
            Snapshot snapshot = pg.snapshot();
            listener.createStatement().execute("LISTEN events");
            pg.restore(snapshot);
            sender.createStatement().execute("NOTIFY events, 'after restore'");
            var received = listener.unwrap(PGConnection.class).getNotifications(5000);
            assertEquals(1, received.length);
            assertEquals("after restore", received[0].getParameter());
        }
    }

    @Test
    void misuseIsRefusedWithAClearMessage(@TempDir Path dir) throws SQLException {
        try (Pglite a = Pglite.start()) {
            a.query("BEGIN");
            IllegalStateException open = assertThrows(IllegalStateException.class, a::snapshot);
            assertTrue(open.getMessage().contains("inside a transaction"), open.getMessage());
            a.query("ROLLBACK");
            assertFalse(a.isFailed());
        }
        try (Pglite source = Pglite.start()) {
            Snapshot snapshot = source.snapshot();
            IllegalArgumentException clone = assertThrows(IllegalArgumentException.class,
                    () -> Pglite.builder().withSnapshot(snapshot).withDataDirectory(DataDirectory.temporary()).start());
            assertTrue(clone.getMessage().contains("a clone keeps its data in memory"), clone.getMessage());
        }
    }

    @Test
    void aDirectoryOnDiskIsSnapshottedForClonesAndFilesButNotRestoredInPlace(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("disk.snapshot");
        try (Pglite onDisk = Pglite.builder().withDataDirectory(DataDirectory.at(dir.resolve("db"))).start()) {
            onDisk.query("CREATE TABLE kept (x int)");
            onDisk.query("INSERT INTO kept SELECT generate_series(1, 100)");
            Snapshot snapshot = onDisk.snapshot();
            onDisk.query("INSERT INTO kept VALUES (1000)");
            UnsupportedOperationException inPlace = assertThrows(UnsupportedOperationException.class, () -> onDisk.restore(snapshot));
            assertTrue(inPlace.getMessage().contains("start a clone from the snapshot instead"), inPlace.getMessage());
            assertEquals("101", onDisk.query("SELECT count(*) FROM kept").singleValue(), "the refused restore changed nothing");
            try (Pglite clone = Pglite.builder().withSnapshot(snapshot).start()) {
                assertEquals("100", clone.query("SELECT count(*) FROM kept").singleValue());
                clone.query("INSERT INTO kept VALUES (-1)");
            }
            snapshot.writeTo(file);
            assertEquals("101", onDisk.query("SELECT count(*) FROM kept").singleValue(), "the clone wrote nothing to disk");
        }
        try (Pglite fromFile = Pglite.builder().withSnapshot(Snapshot.readFrom(file)).start()) {
            assertEquals("5050", fromFile.query("SELECT sum(x) FROM kept").singleValue());
        }
    }

    @Test
    void aCloneStartsWithTheSnapshotsDataAndThenLivesOnItsOwn() throws Exception {
        try (Pglite source = Pglite.start()) {
            source.query("CREATE TABLE items (id serial PRIMARY KEY, name text)");
            source.query("INSERT INTO items (name) VALUES ('a'), ('b')");
            source.query("CREATE FUNCTION shout(t text) RETURNS text LANGUAGE plpgsql AS $$ BEGIN RETURN upper(t) || '!'; END $$");
            assertEquals("HI!", source.query("SELECT shout('hi')").singleValue()); // PL/pgSQL linked before the snapshot
            Snapshot snapshot = source.snapshot();
            source.query("INSERT INTO items (name) VALUES ('only in source')");
            try (Pglite clone = Pglite.builder().withSnapshot(snapshot).start()) {
                assertTrue(clone.port() != source.port());
                assertEquals("a,b", clone.query("SELECT string_agg(name, ',' ORDER BY id) FROM items").singleValue());
                assertEquals("3", clone.query("SELECT nextval('items_id_seq')").singleValue());
                assertEquals("YO!", clone.query("SELECT shout('yo')").singleValue());
                clone.query("INSERT INTO items (name) VALUES ('only in clone')");
                try (Connection c = DriverManager.getConnection(clone.jdbcUrl(), "postgres", "");
                     ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM items")) {
                    assertTrue(rs.next());
                    assertEquals(3, rs.getInt(1), "a, b and the clone's own row");
                }
                assertEquals("0", source.query("SELECT count(*) FROM items WHERE name = 'only in clone'").singleValue());
                Snapshot ofClone = clone.snapshot();
                clone.query("DELETE FROM items");
                clone.restore(ofClone);
                assertEquals("3", clone.query("SELECT count(*) FROM items").singleValue());
            }
            assertEquals("1", source.query("SELECT count(*) FROM items WHERE name = 'only in source'").singleValue());
        }
    }

    @Test
    void fourClonesStartAndWorkInFourThreadsAtOnce() throws Exception {
        try (Pglite source = Pglite.start()) {
            source.query("CREATE TABLE t (owner int, n int)");
            source.query("CREATE FUNCTION add_row(o int, n int) RETURNS void LANGUAGE plpgsql AS $$ BEGIN INSERT INTO t VALUES (o, n); END $$");
            source.query("SELECT add_row(-1, 0)");
            Snapshot snapshot = source.snapshot();
            java.util.List<CompletableFuture<String>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int id = i;
                results.add(CompletableFuture.supplyAsync(() -> {
                    try (Pglite clone = Pglite.builder().withSnapshot(snapshot).start()) {
                        for (int n = 0; n < 20; n++) {
                            clone.query("SELECT add_row(" + id + ", " + n + ")");
                        }
                        return clone.query("SELECT count(*) || ':' || min(owner) || ':' || max(owner) FROM t").singleValue();
                    }
                }));
            }
            for (int i = 0; i < 4; i++) {
                assertEquals("21:-1:" + i, results.get(i).get(120, TimeUnit.SECONDS));
            }
        }
    }
}
