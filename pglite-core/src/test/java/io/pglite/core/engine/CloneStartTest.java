package io.pglite.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pglite.core.Pglite;
import io.pglite.core.Snapshot;
import java.sql.Connection;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/** A clone starts from its snapshot alone: PostgreSQL's start-up does not run for it. */
class CloneStartTest {

    @Test
    void aCloneAndACloneOfItStartWithoutTheStartUpAndWorkInFull() throws Exception {
        try (Pglite source = Pglite.builder().withDatabase("orders").start()) {
            source.query("CREATE TABLE items (id serial PRIMARY KEY, name text)");
            source.query("INSERT INTO items (name) VALUES ('a'), ('b')");
            source.query("CREATE FUNCTION shout(t text) RETURNS text LANGUAGE plpgsql AS $$ BEGIN RETURN upper(t) || '!'; END $$");
            assertEquals("HI!", source.query("SELECT shout('hi')").singleValue()); // plpgsql.so linked before the snapshot
            Snapshot snapshot = source.snapshot();

            int startUps = Engine.startUps.get();
            try (Pglite clone = Pglite.builder().withSnapshot(snapshot).start()) {
                assertEquals(startUps, Engine.startUps.get(), "the clone ran PostgreSQL's start-up");
                assertEquals("orders", clone.query("SELECT current_database()").singleValue());
                assertEquals("a,b", clone.query("SELECT string_agg(name, ',' ORDER BY id) FROM items").singleValue());
                assertEquals("3", clone.query("SELECT nextval('items_id_seq')").singleValue());
                assertEquals("YO!", clone.query("SELECT shout('yo')").singleValue());
                clone.query("CREATE TABLE later (x int)"); // new relation files, relative to the restored cwd
                clone.query("INSERT INTO later SELECT generate_series(1, 1000)");
                clone.query("CHECKPOINT");
                assertEquals("500500", clone.query("SELECT sum(x) FROM later").singleValue());
                assertListenAndNotifyWork(clone);

                Snapshot ofClone = clone.snapshot();
                try (Pglite cloneOfClone = Pglite.builder().withSnapshot(ofClone).start()) {
                    assertEquals(startUps, Engine.startUps.get(), "the clone of the clone ran PostgreSQL's start-up");
                    assertEquals("1000", cloneOfClone.query("SELECT count(*) FROM later").singleValue());
                    assertEquals("4", cloneOfClone.query("SELECT nextval('items_id_seq')").singleValue());
                    assertEquals("OK!", cloneOfClone.query("SELECT shout('ok')").singleValue());
                    assertListenAndNotifyWork(cloneOfClone);
                }
            }
            assertEquals("0", source.query("SELECT count(*) FROM pg_class WHERE relname = 'later'").singleValue());
        }
    }

    private static void assertListenAndNotifyWork(Pglite pg) throws Exception {
        try (Connection listener = DriverManager.getConnection(pg.jdbcUrl(), "postgres", "");
             Connection sender = DriverManager.getConnection(pg.jdbcUrl(), "postgres", "")) {
            listener.createStatement().execute("LISTEN events");
            sender.createStatement().execute("NOTIFY events, 'to the clone'");
            var received = listener.unwrap(PGConnection.class).getNotifications(5000);
            assertEquals(1, received.length);
            assertEquals("to the clone", received[0].getParameter());
            assertTrue(pg.jdbcUrl().endsWith("/orders"), pg.jdbcUrl());
        }
    }
}
