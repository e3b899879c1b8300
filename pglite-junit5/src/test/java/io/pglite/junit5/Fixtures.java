package io.pglite.junit5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.pglite.core.Pglite;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Test classes run by {@link PgliteExtensionTest} through the JUnit Platform test kit. Not run by
 * surefire itself: neither this class nor its nested classes match its include patterns.
 */
final class Fixtures {
    private Fixtures() {
    }

    static long count(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return count(c);
        }
    }

    static long count(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM items")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void insert(DataSource dataSource, String name) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO items (name) VALUES ('" + name + "')");
        }
    }

    /** Every kind of test method on one class instance; each sees the script's row and @BeforeAll's, never another method's. */
    @PgliteInstance(initScripts = "db/schema.sql")
    static class Isolation {
        @BeforeAll
        static void setUp(DataSource dataSource, Pglite pg) throws SQLException {
            assertEquals(1, count(dataSource));
            insert(dataSource, "before all");
            assertEquals("2", pg.query("SELECT item_count()").singleValue());
        }

        @BeforeEach
        void each(Connection connection) throws SQLException {
            assertEquals(2, count(connection));
        }

        @Test
        void first(DataSource dataSource) throws SQLException {
            insert(dataSource, "first");
            assertEquals(3, count(dataSource));
        }

        @Test
        void second(Connection connection, @PgliteJdbcUrl String url, Pglite pg) throws SQLException {
            assertEquals(pg.jdbcUrl(), url);
            assertTrue(url.startsWith("jdbc:postgresql://127.0.0.1:" + pg.port() + "/"));
            try (Statement s = connection.createStatement()) {
                s.execute("INSERT INTO items (name) VALUES ('second'), ('second again')");
            }
            assertEquals(4, count(connection));
        }

        @RepeatedTest(3)
        void repeated(DataSource dataSource) throws SQLException {
            insert(dataSource, "repeated");
            assertEquals(3, count(dataSource));
        }

        @ParameterizedTest
        @ValueSource(strings = {"a", "b", "c"})
        void parameterized(String name, DataSource dataSource) throws SQLException {
            insert(dataSource, name);
            assertEquals(3, count(dataSource));
        }

        @TestFactory
        Stream<DynamicTest> dynamic(DataSource dataSource) {
            // dynamic tests of one factory share its instance (no reset between them)
            return Stream.of(3, 4).map(expected -> dynamicTest("insert " + expected, () -> {
                insert(dataSource, "dynamic");
                assertEquals((long) expected, count(dataSource));
            }));
        }
    }

    /** Fields, a PER_CLASS test instance and a non-static @BeforeAll. */
    @PgliteInstance(initScripts = "db/schema.sql")
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    static class Fields {
        @PgliteInject
        DataSource dataSource;
        @PgliteInject
        Connection connection;
        @PgliteInject
        Pglite pg;
        @PgliteJdbcUrl
        String url;
        @PgliteInject
        static DataSource staticDataSource;

        @BeforeAll
        void setUp() throws SQLException {
            assertNotNull(dataSource);
            assertSame(dataSource, staticDataSource);
            insert(dataSource, "before all");
        }

        @Test
        void a() throws SQLException {
            assertEquals(pg.jdbcUrl(), url);
            assertEquals(2, count(connection));
            insert(dataSource, "a");
        }

        @Test
        void b() throws SQLException {
            assertEquals(2, count(connection));
            insert(staticDataSource, "b");
        }
    }

    /** A @Nested class runs on the outer instance, from the outer setup plus its own. */
    @PgliteInstance(initScripts = "db/schema.sql")
    static class Outer {
        static final Set<String> NAMES = ConcurrentHashMap.newKeySet();

        @BeforeAll
        static void setUp(DataSource dataSource, Pglite pg) throws SQLException {
            NAMES.add(pg.name());
            insert(dataSource, "outer");
        }

        @Test
        void outerTest(DataSource dataSource, Pglite pg) throws SQLException {
            NAMES.add(pg.name());
            assertEquals(2, count(dataSource));
            insert(dataSource, "outer test");
        }

        @Nested
        class Inner {
            @BeforeEach
            void each(DataSource dataSource) throws SQLException {
                assertEquals(2, count(dataSource));
                insert(dataSource, "inner each");
            }

            @Test
            void innerA(DataSource dataSource, Pglite pg) throws SQLException {
                NAMES.add(pg.name());
                assertEquals(3, count(dataSource));
                insert(dataSource, "inner a");
            }

            @Test
            void innerB(DataSource dataSource) throws SQLException {
                assertEquals(3, count(dataSource));
                insert(dataSource, "inner b");
            }
        }
    }

    /** Reset NONE: methods see what the methods before them wrote. */
    @PgliteInstance(initScripts = "db/schema.sql", reset = PgliteInstance.Reset.NONE)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class NoReset {
        @Test
        @Order(1)
        void first(DataSource dataSource) throws SQLException {
            insert(dataSource, "first");
            assertEquals(2, count(dataSource));
        }

        @Test
        @Order(2)
        void second(DataSource dataSource) throws SQLException {
            assertEquals(2, count(dataSource));
        }
    }

    /** Lifecycle PER_METHOD: every method on a new instance. */
    @PgliteInstance(initScripts = "db/schema.sql", lifecycle = PgliteInstance.Lifecycle.PER_METHOD)
    static class PerMethod {
        static final Set<String> NAMES = ConcurrentHashMap.newKeySet();

        @BeforeAll
        static void setUp(DataSource dataSource) throws SQLException {
            insert(dataSource, "before all");
        }

        @RepeatedTest(3)
        void each(Pglite pg, DataSource dataSource) throws SQLException {
            assertTrue(NAMES.add(pg.name()), "a new instance for every method");
            assertEquals(2, count(dataSource));
            insert(dataSource, "each");
        }
    }

    /** The team annotation. */
    @OurDb
    static class MetaAnnotated {
        @Test
        void hasSchema(Pglite pg) {
            assertEquals("1", pg.query("SELECT count(*) FROM items").singleValue());
        }
    }

    /** Subclasses inherit the annotation. */
    static class Inheriting extends MetaAnnotated {
    }

    /** Two classes sharing the template of one configuration. */
    @PgliteInstance(initScripts = "db/schema.sql", sharing = PgliteInstance.Sharing.SUITE)
    static class SharedA {
        @BeforeAll
        static void setUp(DataSource dataSource) throws SQLException {
            assertEquals(1, count(dataSource), "the template's state, without another class's writes");
            insert(dataSource, "A");
        }

        @RepeatedTest(2)
        void test(DataSource dataSource) throws SQLException {
            assertEquals(2, count(dataSource));
            insert(dataSource, "A test");
        }
    }

    @PgliteInstance(initScripts = "db/schema.sql", sharing = PgliteInstance.Sharing.SUITE)
    static class SharedB extends SharedA {
    }

    /** Credentials: the DataSource logs in with them. */
    @PgliteInstance(user = "app", password = "secret")
    static class Credentials {
        @Test
        void loginWorks(DataSource dataSource, @PgliteJdbcUrl String url) throws SQLException {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT 1")) {
                assertTrue(rs.next());
            }
            SQLException refused = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                    () -> java.sql.DriverManager.getConnection(url, "app", "wrong").close());
            assertTrue(refused.getMessage().contains("password"), refused.getMessage());
        }
    }

    /** Parallel classes and methods: each method writes its marker, waits, and must see only its own. */
    @PgliteInstance(initScripts = "db/schema.sql")
    static class ParallelA {
        @BeforeAll
        static void setUp(DataSource dataSource) throws SQLException {
            insert(dataSource, "class " + ParallelA.class.getSimpleName());
        }

        @RepeatedTest(4)
        void isolated(DataSource dataSource, org.junit.jupiter.api.RepetitionInfo info) throws Exception {
            String marker = "m" + System.nanoTime();
            insert(dataSource, marker);
            Thread.sleep(150);
            assertEquals(3, count(dataSource));
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT name FROM items ORDER BY id")) {
                rs.next();
                rs.next();
                assertTrue(rs.getString(1).startsWith("class "), rs.getString(1));
                rs.next();
                assertEquals(marker, rs.getString(1));
            }
        }
    }

    static class ParallelB extends ParallelA {
    }

    @PgliteInstance(initScripts = "db/schema.sql", sharing = PgliteInstance.Sharing.SUITE)
    static class ParallelSharedA extends ParallelA {
    }

    @PgliteInstance(initScripts = "db/schema.sql", sharing = PgliteInstance.Sharing.SUITE)
    static class ParallelSharedB extends ParallelA {
    }

    /** A temporary data directory: the first method on it, later ones on in-memory clones of the snapshot. */
    @PgliteInstance(initScripts = "db/schema.sql", dataDirectory = PgliteInstance.Storage.TEMPORARY)
    static class Temporary {
        static final Set<String> DIRECTORIES = ConcurrentHashMap.newKeySet();

        @BeforeAll
        static void setUp(Pglite pg, DataSource dataSource) throws SQLException {
            assertTrue(pg.dataDirectory().isPresent());
            DIRECTORIES.add(pg.dataDirectory().get().toString());
            insert(dataSource, "before all");
        }

        @RepeatedTest(3)
        void isolated(DataSource dataSource) throws SQLException {
            assertEquals(2, count(dataSource));
            insert(dataSource, "each");
        }
    }

    // ------------------------------------------------------------ misuse

    @PgliteInstance(initScripts = "db/nope.sql")
    static class MissingScript {
        @Test
        void test() {
        }
    }

    @PgliteInstance(initScripts = {"db/schema.sql", "db/broken.sql"})
    static class BrokenScript {
        @Test
        void test() {
        }
    }

    @PgliteInstance
    static class WrongParameter {
        @Test
        void test(@PgliteJdbcUrl int url) {
        }
    }

    @PgliteInstance
    static class WrongAnnotatedParameter {
        @Test
        void test(@PgliteInject Integer value) {
        }
    }

    @PgliteInstance
    static class WrongField {
        @PgliteInject
        String notAUrl;

        @Test
        void test() {
        }
    }

    @PgliteInstance(lifecycle = PgliteInstance.Lifecycle.PER_METHOD)
    static class StaticFieldPerMethod {
        @PgliteInject
        static DataSource dataSource;

        @Test
        void test() {
        }
    }

    @PgliteInstance
    static class FinalField {
        @PgliteInject
        final DataSource dataSource = null;

        @Test
        void test() {
        }
    }

    /** The instance is gone before the test asks for a connection: the pool cannot connect. */
    @PgliteInstance(reset = PgliteInstance.Reset.NONE)
    static class InstanceClosedBeforeTheTest {
        @BeforeEach
        void close(Pglite pg) {
            pg.close();
        }

        @Test
        void test(Connection connection) {
        }
    }

    @PgliteInstance(migrations = "classpath:db/migration")
    static class MigrationsWithoutRunner {
        @Test
        void test() {
        }
    }

    @PgliteInstance(migrationSettings = "flyway.placeholders.owner=app")
    static class SettingsWithoutMigrations {
        @Test
        void test() {
        }
    }

    @PgliteInstance(port = 70000)
    static class PortOutOfRange {
        @Test
        void test() {
        }
    }

    @PgliteInstance(database = "template0")
    static class ReservedDatabase {
        @Test
        void test() {
        }
    }

    @PgliteInstance(extensions = {"pgcrypto", "postgis"})
    static class UnknownExtension {
        @Test
        void test() {
        }
    }

    // ------------------------------------------------------------ extensions

    @PgliteInstance(extensions = {"pgcrypto", "earthdistance"}, initScripts = "db/schema.sql", database = "geo",
            lifecycle = PgliteInstance.Lifecycle.PER_METHOD)
    static class WithExtensions {
        @Test
        void createdBeforeTheInitScripts(Connection connection) throws SQLException {
            try (var rows = connection.createStatement().executeQuery("SELECT encode(digest('abc', 'sha1'), 'hex'),"
                    + " round(earth_distance(ll_to_earth(0, 0), ll_to_earth(0, 1))), count(*) FROM items")) {
                rows.next();
                assertEquals("a9993e364706816aba3e25717850c26c9cd0d89d", rows.getString(1));
                assertEquals(111320, rows.getInt(2));
            }
        }

        @Test
        void andInEveryClone(Connection connection) throws SQLException {
            try (var rows = connection.createStatement().executeQuery(
                    "SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension")) {
                rows.next();
                assertEquals("cube,earthdistance,pgcrypto,plpgsql", rows.getString(1));
            }
        }
    }

    // ------------------------------------------------------------ database and port

    @PgliteInstance(database = "orders", port = DatabaseAndPort.PORT, initScripts = "db/schema.sql")
    static class DatabaseAndPort {
        /** A fixed port for the test; people use one to psql into a paused test. */
        static final int PORT = 45871;

        @Test
        void servesTheDatabaseOnThePort(Pglite pg, @PgliteJdbcUrl String url, Connection connection) throws SQLException {
            assertEquals(PORT, pg.port());
            assertEquals("jdbc:postgresql://127.0.0.1:" + PORT + "/orders", url);
            try (Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT current_database()")) {
                rs.next();
                assertEquals("orders", rs.getString(1));
            }
            assertEquals(1, count(connection));
        }
    }

    // ------------------------------------------------------------ a directory of the user's

    /** Data in a directory that outlives the instance: each run adds a row to what the runs before wrote. */
    @PgliteInstance(dataDirectory = PgliteInstance.Storage.PATH, dataPath = PathData.DIRECTORY)
    static class PathData {
        static final String DIRECTORY = "target/pglite-junit5-path-data";
        static volatile int expectedRuns;

        @BeforeAll
        static void addRun(Pglite pg) {
            assertEquals(java.nio.file.Path.of(DIRECTORY).toAbsolutePath(), pg.dataDirectory().orElseThrow());
            pg.query("CREATE TABLE IF NOT EXISTS runs (n integer)");
            pg.query("INSERT INTO runs VALUES (1)");
        }

        @RepeatedTest(2)
        void seesEveryRun(Pglite pg) {
            assertEquals(String.valueOf(expectedRuns), pg.query("SELECT count(*) FROM runs WHERE n = 1").singleValue());
            // the first method of a run works in the directory, so its row stays for the next runs;
            // the other one, on a clone of the state after setup, never sees it
            assertEquals(String.valueOf(expectedRuns - 1), pg.query("SELECT count(*) FROM runs WHERE n = 2").singleValue());
            pg.query("INSERT INTO runs VALUES (2)");
        }
    }

    @PgliteInstance(dataDirectory = PgliteInstance.Storage.PATH)
    static class PathWithoutDirectory {
        @Test
        void test() {
        }
    }

    @PgliteInstance(dataPath = "target/somewhere")
    static class DirectoryWithoutPath {
        @Test
        void test() {
        }
    }
}
