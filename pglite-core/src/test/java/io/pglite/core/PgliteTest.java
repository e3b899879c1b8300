package io.pglite.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The engine answers real PostgreSQL through the raw API: one instance shared by the class. */
class PgliteTest {
    @RegisterExtension
    static final SharedPglite PG = new SharedPglite();

    @Test
    void versionIsPostgresql18() {
        String version = PG.get().query("SELECT version()").singleValue();
        assertTrue(version.startsWith("PostgreSQL 18."), version);
        assertEquals("18", PG.get().query("SHOW server_version_num").singleValue().substring(0, 2));
    }

    @Test
    void createInsertAndQueryWithJoinsAndAggregates() {
        PG.get().query("CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL)");
        PG.get().query("CREATE TABLE orders (id serial PRIMARY KEY, customer_id int REFERENCES customers, amount numeric(10,2))");
        PG.get().query("INSERT INTO customers VALUES (1, 'ada'), (2, 'brian'), (3, 'carla')");
        QueryResult insert = PG.get().query("INSERT INTO orders (customer_id, amount) VALUES (1, 10.50), (1, 4.50), (2, 7), (3, 1), (3, 2), (3, 3)");
        assertEquals("INSERT 0 6", insert.commandTag());

        QueryResult totals = PG.get().query(
                "SELECT c.name, count(*) AS n, sum(o.amount) AS total FROM customers c "
                        + "JOIN orders o ON o.customer_id = c.id GROUP BY c.name HAVING sum(o.amount) > 6 ORDER BY total DESC");
        assertEquals(List.of("name", "n", "total"), totals.columns());
        assertEquals(List.of(List.of("ada", "2", "15.00"), List.of("brian", "1", "7.00")), totals.rows());
    }

    @Test
    void viewsAreStoredAndReadBack() {
        // CREATE VIEW serialises the rule tree (outNode), selecting from it reads it back (nodeRead):
        // two of the functions that the AOT compiler leaves to the interpreter.
        PG.get().query("CREATE VIEW squares AS SELECT g AS n, g * g AS square FROM generate_series(1, 5) g");
        assertEquals("55", PG.get().query("SELECT sum(square) FROM squares").singleValue());
    }

    @Test
    void plpgsqlFunctionRuns() {
        PG.get().query("CREATE FUNCTION fib(n int) RETURNS bigint LANGUAGE plpgsql AS $$"
                + " DECLARE a bigint := 0; b bigint := 1; t bigint;"
                + " BEGIN FOR i IN 1..n LOOP t := a + b; a := b; b := t; END LOOP; RETURN a; END $$");
        assertEquals("6765", PG.get().query("SELECT fib(20)").singleValue());
    }

    @Test
    void plpgsqlCatchesErrors() {
        PG.get().query("CREATE FUNCTION safe_div(a int, b int) RETURNS int LANGUAGE plpgsql AS $$"
                + " BEGIN RETURN a / b; EXCEPTION WHEN division_by_zero THEN RETURN -1; END $$");
        assertEquals("-1", PG.get().query("SELECT safe_div(1, 0)").singleValue());
        assertEquals("5", PG.get().query("SELECT safe_div(10, 2)").singleValue());
    }

    @Test
    void failedStatementIsReportedAndTheNextOneWorks() {
        PgliteSqlException error = assertThrows(PgliteSqlException.class, () -> PG.get().query("SELECT 1/0"));
        assertEquals("22012", error.sqlState());
        assertTrue(error.getMessage().contains("division by zero"), error.getMessage());
        assertEquals("2", PG.get().query("SELECT 1 + 1").singleValue());
        assertFalse(PG.get().isFailed());
    }

    @Test
    void syntaxErrorIsReported() {
        PgliteSqlException error = assertThrows(PgliteSqlException.class, () -> PG.get().query("SELEC 1"));
        assertEquals("42601", error.sqlState());
    }

    @Test
    void rolledBackTransactionLeavesNoTrace() {
        PG.get().query("CREATE TABLE ledger (entry text)");
        PG.get().query("BEGIN");
        PG.get().query("INSERT INTO ledger VALUES ('lost')");
        assertEquals("1", PG.get().query("SELECT count(*) FROM ledger").singleValue());
        PG.get().query("ROLLBACK");
        assertEquals("0", PG.get().query("SELECT count(*) FROM ledger").singleValue());
    }

    @Test
    void errorInsideTransactionAbortsItUntilRollback() {
        PG.get().query("CREATE TABLE audit (n int)");
        PG.get().query("BEGIN");
        PG.get().query("INSERT INTO audit VALUES (1)");
        assertThrows(PgliteSqlException.class, () -> PG.get().query("SELECT 1/0"));
        PgliteSqlException aborted = assertThrows(PgliteSqlException.class, () -> PG.get().query("SELECT 1"));
        assertEquals("25P02", aborted.sqlState());
        PG.get().query("ROLLBACK");
        assertEquals("0", PG.get().query("SELECT count(*) FROM audit").singleValue());
    }

    @Test
    void nullsAndUnicodeSurviveTheRoundTrip() {
        QueryResult r = PG.get().query("SELECT NULL::text AS a, 'grüße, 日本' AS b");
        assertEquals(java.util.Arrays.asList(null, "grüße, 日本"), r.rows().get(0));
    }

    @Test
    void textSearchLoadsTheSnowballSideModule() {
        assertEquals("'brown':3 'fox':4 'jump':5 'quick':2",
                PG.get().query("SELECT to_tsvector('english', 'The quick brown foxes jumped')").singleValue());
    }

    @Test
    void sideModuleNeedingAMissingSymbolFailsOnlyItsStatement() {
        // PGlite's build does not export what its LATIN1 converter needs: the host turns the call into
        // an ordinary PostgreSQL ERROR instead of a trap, and the backend carries on
        PG.get().query("SET client_encoding = 'LATIN1'");
        try {
            PgliteSqlException e = assertThrows(PgliteSqlException.class, () -> PG.get().query("SELECT 'é'"));
            assertEquals("0A000", e.sqlState());
            assertTrue(e.getMessage().contains("pg_utf8_islegal"), e.getMessage());
        } finally {
            PG.get().query("SET client_encoding = 'UTF8'");
        }
        assertEquals("ok", PG.get().query("SELECT 'ok'").singleValue());
        assertFalse(PG.get().isFailed());
    }

    @Test
    void copyFromStdinThroughTheApiFailsTheCopyAndNotTheInstance() {
        PG.get().query("CREATE TABLE copy_api (x int)");
        PgliteSqlException e = assertThrows(PgliteSqlException.class, () -> PG.get().query("COPY copy_api FROM STDIN"));
        assertTrue(e.getMessage().contains("COPY FROM STDIN needs a client connection"), e.getMessage());
        assertFalse(PG.get().isFailed());
        assertEquals("0", PG.get().query("SELECT count(*) FROM copy_api").singleValue());
    }
}
