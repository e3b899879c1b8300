package io.pglite.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Every extension the engine ships, created from a client with {@code CREATE EXTENSION} and then
 * used by a query that only works when the extension's compiled side module runs; and the
 * extensions an instance creates at start ({@link Pglite.Builder#withExtensions}).
 */
class ExtensionsTest {
    /** Extension (or LOAD-only module) to the statements that use it, the last one a query, and its answer. */
    private static final Map<String, Case> CASES = new TreeMap<>();

    private record Case(List<String> statements, String expected) {
    }

    private static void use(String extension, String expected, String... statements) {
        CASES.put(extension, new Case(List.of(statements), expected));
    }

    /** An answer that is a PostgreSQL error: its SQLSTATE. */
    private static String error(String sqlState) {
        return "ERROR " + sqlState;
    }

    static {
        use("amcheck", "1", "SELECT count(*) FROM (SELECT bt_index_check('pg_class_oid_index'::regclass)) s");
        use("autoinc", "1", "CREATE TABLE ai (id int, name text)", "CREATE SEQUENCE ai_seq",
                "CREATE TRIGGER ai BEFORE INSERT ON ai FOR EACH ROW EXECUTE PROCEDURE autoinc(id, ai_seq)",
                "INSERT INTO ai VALUES (0, 'x')", "SELECT id FROM ai");
        use("bloom", "1", "CREATE TABLE bl (a int, b int)", "CREATE INDEX bl_idx ON bl USING bloom (a, b)",
                "INSERT INTO bl SELECT g, g * 2 FROM generate_series(1, 500) g", "SET enable_seqscan = off",
                "SELECT count(*) FROM bl WHERE a = 7 AND b = 14");
        use("btree_gin", "1", "CREATE TABLE bg (a int)", "CREATE INDEX bg_idx ON bg USING gin (a)",
                "INSERT INTO bg SELECT generate_series(1, 100)", "SELECT count(*) FROM bg WHERE a = 3");
        use("btree_gist", error("23P01"),
                "CREATE TABLE booking (room int, during tsrange, EXCLUDE USING gist (room WITH =, during WITH &&))",
                "INSERT INTO booking VALUES (1, '[2026-01-01 10:00, 2026-01-01 12:00)')",
                "INSERT INTO booking VALUES (1, '[2026-01-01 11:00, 2026-01-01 13:00)')");
        use("citext", "t", "SELECT 'Straße'::citext = 'STRASSE'::citext OR 'ABC'::citext = 'abc'");
        use("cube", "5", "SELECT cube_distance('(0,0)'::cube, '(3,4)'::cube)");
        use("dict_int", "{123456}", "SELECT ts_lexize('intdict', '12345678')");
        use("dict_xsyn", "{supernova,sn,sne,1987a}",
                "ALTER TEXT SEARCH DICTIONARY xsyn (RULES = 'xsyn_sample')", "SELECT ts_lexize('xsyn', 'supernova')");
        use("earthdistance", "111320", "SELECT round(earth_distance(ll_to_earth(0, 0), ll_to_earth(0, 1)))");
        use("file_fdw", "# file_fdw extension", "CREATE SERVER files FOREIGN DATA WRAPPER file_fdw",
                "CREATE FOREIGN TABLE control (line text) SERVER files OPTIONS (filename "
                        + "'/pglite/share/postgresql/extension/file_fdw.control', format 'text', delimiter '|')",
                "SELECT line FROM control LIMIT 1");
        use("fuzzystrmatch", "3", "SELECT levenshtein('kitten', 'sitting')");
        use("hstore", "1", "SELECT 'a=>1, b=>2'::hstore -> 'a'");
        use("insert_username", "postgres", "CREATE TABLE iu (name text, added_by text)",
                "CREATE TRIGGER iu BEFORE INSERT ON iu FOR EACH ROW EXECUTE PROCEDURE insert_username(added_by)",
                "INSERT INTO iu (name) VALUES ('x')", "SELECT added_by FROM iu");
        use("intarray", "{1,2,3}", "SELECT sort('{3,1,2}'::int[])");
        use("isn", "t", "SELECT is_valid('978-0-393-04002-9'::isbn13)");
        use("lo", "0", "CREATE TABLE images (raster lo)",
                "CREATE TRIGGER images BEFORE UPDATE OR DELETE ON images FOR EACH ROW EXECUTE FUNCTION lo_manage(raster)",
                "INSERT INTO images VALUES (lo_create(0))", "DELETE FROM images",
                "SELECT count(*) FROM pg_largeobject_metadata");
        use("ltree", "t", "SELECT 'top.science.astronomy'::ltree <@ 'top.science'::ltree");
        use("moddatetime", "t", "CREATE TABLE md (id int, changed timestamp)",
                "CREATE TRIGGER md BEFORE UPDATE ON md FOR EACH ROW EXECUTE PROCEDURE moddatetime(changed)",
                "INSERT INTO md VALUES (1, '2000-01-01')", "UPDATE md SET id = 2", "SELECT changed > '2000-01-01' FROM md");
        use("pageinspect", "8192", "SELECT (page_header(get_raw_page('pg_class', 0))).pagesize");
        use("pg_buffercache", "t", "SELECT count(*) > 0 FROM pg_buffercache WHERE relfilenode IS NOT NULL");
        use("pg_freespacemap", "t", "SELECT count(*) > 0 FROM pg_freespace('pg_class')");
        use("pg_logicalinspect", error("58P01"), "SELECT * FROM pg_get_logical_snapshot_info('0-40796E18.snap')");
        use("pg_stat_statements", error("55000"), "SELECT count(*) FROM pg_stat_statements");
        use("pg_surgery", "1", "CREATE TABLE sg (a int)", "INSERT INTO sg VALUES (1)",
                "SELECT heap_force_freeze('sg'::regclass, ARRAY['(0,1)']::tid[])", "SELECT count(*) FROM sg");
        use("pg_trgm", "0.5714286", "SELECT similarity('word', 'words')");
        use("pg_visibility", "t", "SELECT (pg_visibility_map_summary('pg_class')).all_visible >= 0");
        use("pg_walinspect", "t", "SELECT count(*) > 0 FROM pg_get_wal_records_info("
                + "(SELECT redo_lsn FROM pg_control_checkpoint()), pg_current_wal_lsn())");
        use("pgcrypto", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                "SELECT encode(digest('abc', 'sha256'), 'hex')");
        use("refint", error("09000"), "CREATE TABLE pk (id int PRIMARY KEY)", "CREATE TABLE fk (ref int)",
                "CREATE TRIGGER fk AFTER INSERT OR UPDATE ON fk FOR EACH ROW EXECUTE PROCEDURE "
                        + "check_primary_key('ref', 'pk', 'id')",
                "INSERT INTO fk VALUES (42)");
        use("seg", "2", "SELECT seg_size('1 .. 3'::seg)");
        use("tablefunc", "5", "SELECT count(*) FROM normal_rand(5, 0, 1)");
        use("tcn", "\"tc\",I,\"id\"='1'", "LISTEN tcn", "CREATE TABLE tc (id int PRIMARY KEY)",
                "CREATE TRIGGER tc AFTER INSERT ON tc FOR EACH ROW EXECUTE FUNCTION triggered_change_notification()",
                "INSERT INTO tc VALUES (1)", "NOTIFICATION");
        use("tsm_system_rows", "5", "SELECT count(*) FROM pg_class TABLESAMPLE SYSTEM_ROWS(5)");
        use("tsm_system_time", "t", "SELECT count(*) > 0 FROM pg_class TABLESAMPLE SYSTEM_TIME(1000)");
        use("unaccent", "Hotel creme brulee", "SELECT unaccent('Hôtel crème brûlée')");
        use("uuid-ossp", "325b5d12-2207-5ba7-85db-9f40b583f8fa",
                "SELECT uuid_generate_v5(uuid_ns_url(), 'https://www.postgresql.org')");
        use("vector", "5.196152422706632", "CREATE TABLE items (embedding vector(3))",
                "CREATE INDEX items_idx ON items USING hnsw (embedding vector_l2_ops)",
                "INSERT INTO items VALUES ('[1,2,3]'), ('[4,5,6]')",
                "SELECT embedding <-> '[1,2,3]' FROM items ORDER BY embedding <-> '[1,2,3]' DESC LIMIT 1");
        // modules without a control file: LOAD only
        use("auto_explain", "-1", "LOAD 'auto_explain'", "SHOW auto_explain.log_min_duration");
        use("passwordcheck", error("22023"), "LOAD 'passwordcheck'", "CREATE ROLE weak PASSWORD 'abc'");
        use("pg_overexplain", "Result  (cost=0.00..0.01 rows=1 width=4)", "LOAD 'pg_overexplain'",
                "EXPLAIN (RANGE_TABLE) SELECT 1");
    }

    private static Pglite pg;
    private static Connection connection;

    @BeforeAll
    static void start() throws SQLException {
        pg = Pglite.start();
        connection = DriverManager.getConnection(pg.jdbcUrl(), "postgres", "");
        connection.setAutoCommit(true);
    }

    @AfterAll
    static void stop() throws SQLException {
        connection.close();
        pg.close();
    }

    static Stream<Arguments> shipped() {
        return CASES.keySet().stream().map(Arguments::of);
    }

    @Test
    void everyShippedExtensionAndModuleHasACase() {
        var shipped = new TreeMap<String, String>(Pglite.availableExtensions());
        io.pglite.core.engine.ExtensionCatalog.modules().forEach(module -> shipped.put(module, ""));
        assertEquals(shipped.keySet(), CASES.keySet());
        assertTrue(Pglite.availableExtensions().size() >= 38, Pglite.availableExtensions().toString());
        assertEquals("0.8.7", Pglite.availableExtensions().get("vector"));
    }

    @ParameterizedTest
    @MethodSource("shipped")
    void createdFromAClientItsCompiledCodeRuns(String name) throws SQLException {
        Case test = CASES.get(name);
        try (Statement statement = connection.createStatement()) {
            if (Pglite.availableExtensions().containsKey(name)) {
                statement.execute("CREATE EXTENSION IF NOT EXISTS \"" + name + "\" CASCADE");
            }
            String answer = null;
            String message = name;
            try {
                for (String sql : test.statements()) {
                    answer = sql.equals("NOTIFICATION") ? notification() : run(statement, sql);
                }
            } catch (SQLException e) {
                answer = error(e.getSQLState());
                message = name + ": " + e.getMessage();
            }
            assertEquals(test.expected(), answer, message);
        }
    }

    private static String run(Statement statement, String sql) throws SQLException {
        if (!statement.execute(sql)) {
            return null;
        }
        try (ResultSet rows = statement.getResultSet()) {
            return rows.next() ? rows.getString(1) : null;
        }
    }

    private static String notification() throws SQLException {
        PGNotification[] notifications = connection.unwrap(PGConnection.class).getNotifications(10_000);
        assertNotNull(notifications, "no NOTIFY from the tcn trigger");
        return notifications[0].getParameter();
    }

    @Test
    void theBuilderCreatesExtensionsAndTheNextInstanceStartsFromThePreparedImage() throws SQLException {
        List<String> five = List.of("pgcrypto", "uuid-ossp", "hstore", "pg_trgm", "vector");
        try (Pglite first = Pglite.builder().withDatabase("shop").withExtensions(five.toArray(String[]::new)).start()) {
            assertEquals(five.size(), extensions(first).size());
            assertNotNull(PreparedImages.find(first.settings(), five), "a prepared image of the first instance");
            first.query("CREATE TABLE first_only (x int)");
        }
        try (Pglite second = Pglite.builder().withDatabase("shop").withExtensions(five.toArray(String[]::new)).start();
             Connection c = DriverManager.getConnection(second.jdbcUrl(), "postgres", "")) {
            assertEquals(five, extensions(second));
            try (ResultSet rows = c.createStatement().executeQuery(
                    "SELECT encode(digest('abc', 'sha1'), 'hex'), '[3,4]'::vector <-> '[0,0]'")) {
                assertTrue(rows.next());
                assertEquals("a9993e364706816aba3e25717850c26c9cd0d89d", rows.getString(1));
                assertEquals(5.0, rows.getDouble(2));
            }
            // the image was taken right after the extensions: nothing the first instance did later
            assertEquals("0", second.query("SELECT count(*) FROM pg_class WHERE relname = 'first_only'").singleValue());
        }
    }

    @Test
    void pgStatStatementsAskedForAtStartIsPreloadedAndCountsStatements() {
        try (Pglite pg = Pglite.builder().withExtensions("pg_stat_statements").start()) {
            pg.query("SELECT 40 + 2");
            pg.query("SELECT 40 + 2");
            assertEquals("2", pg.query("SELECT calls FROM pg_stat_statements WHERE query = 'SELECT $1 + $2'").singleValue());
        }
    }

    @Test
    void aCloneCreatesTheExtensionsItsSnapshotLacksAndRequiredOnesComeAlong() {
        try (Pglite plain = Pglite.start();
             Pglite clone = Pglite.builder().withSnapshot(plain.snapshot()).withExtensions("earthdistance").start()) {
            assertEquals(List.of(), extensions(plain));
            assertEquals(List.of("cube", "earthdistance"), extensions(clone));
        }
    }

    @Test
    void anExtensionThatIsNotShippedIsRefusedWithTheListOfThoseThatAre() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Pglite.builder().withExtensions("pgcrypto", "postgis"));
        assertTrue(e.getMessage().startsWith("extension 'postgis' is not shipped with this engine; available: amcheck, "),
                e.getMessage());
        assertTrue(e.getMessage().contains(", uuid-ossp, vector"), e.getMessage());
        IllegalArgumentException module = assertThrows(IllegalArgumentException.class,
                () -> Pglite.builder().withExtensions("auto_explain"));
        assertTrue(module.getMessage().contains("LOAD 'auto_explain'"), module.getMessage());
    }

    @Test
    void aClientAskingForAnExtensionThatIsNotShippedGetsPostgresqlsError() {
        SQLException e = assertThrows(SQLException.class,
                () -> connection.createStatement().execute("CREATE EXTENSION postgis"));
        assertEquals("0A000", e.getSQLState());
        assertTrue(e.getMessage().contains("extension \"postgis\" is not available"), e.getMessage());
    }

    /** The extensions of the instance's database, but plpgsql, in the order they were created. */
    private static List<String> extensions(Pglite instance) {
        return instance.query("SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY oid").rows().stream()
                .map(row -> row.get(0)).toList();
    }
}
