package io.pglite.junit5;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class a PostgreSQL instance (pglite-java, in this JVM), reset between test methods by
 * restoring a snapshot taken after the class's setup ({@code @BeforeAll} methods and init scripts).
 *
 * <pre>{@code
 * @PgliteInstance(initScripts = "schema.sql")
 * class OrderRepositoryTest {
 *     @Test
 *     void saves(DataSource dataSource) { ... }          // a pooled DataSource on the instance
 *     @Test
 *     void counts(Connection connection) { ... }         // closed after the method
 *     @Test
 *     void url(@PgliteJdbcUrl String url, Pglite pg) { ... }
 * }
 * }</pre>
 *
 * Usable as a meta-annotation (a team's {@code @OurDb} annotated with {@code @PgliteInstance(...)}),
 * and inherited by subclasses and by {@code @Nested} classes, which run on the outer class's
 * instance. See docs/junit5.md.
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(PgliteExtension.class)
public @interface PgliteInstance {

    /** Which instance a test method runs on; default {@link Lifecycle#PER_CLASS}. */
    Lifecycle lifecycle() default Lifecycle.PER_CLASS;

    /** What happens to the database between test methods; default {@link Reset#RESTORE}. */
    Reset reset() default Reset.RESTORE;

    /** Where the instance keeps its data; default {@link Storage#MEMORY}. */
    Storage dataDirectory() default Storage.MEMORY;

    /**
     * The directory of {@link Storage#PATH}, e.g. {@code "target/test-db"} (relative to the working
     * directory); created when missing, kept after the run.
     */
    String dataPath() default "";

    /**
     * Class path resources of SQL scripts run once, in order, when the instance is set up (before
     * {@code @BeforeAll} methods and before the snapshot methods are reset to), e.g.
     * {@code "db/schema.sql"}; a leading {@code /} is ignored.
     */
    String[] initScripts() default {};

    /**
     * Extensions to create when the instance is set up, before migrations and init scripts, e.g.
     * {@code {"pgcrypto", "vector"}}: any of {@code Pglite.availableExtensions()}, each with those it
     * requires. The scripts run once per JVM and list of extensions; later instances start from a
     * prepared image that has them, at no extra cost.
     */
    String[] extensions() default {};

    /**
     * Locations of schema migrations applied when the instance is set up, before the init scripts:
     * {@code "classpath:db/migration"} or {@code "filesystem:src/main/resources/db/migration"}.
     * Needs a migration runner on the test class path: pglite-flyway (Flyway). With memory data the
     * runner migrates once per JVM and set of migrations and caches the result across runs; classes
     * start from a copy of it.
     */
    String[] migrations() default {};

    /**
     * Settings of the migration tool, each {@code "name=value"}, e.g.
     * {@code "flyway.placeholders.owner=app"} or {@code "flyway.schemas=app"}.
     */
    String[] migrationSettings() default {};

    /**
     * The TCP port of the instance's server; default 0, a free port. A fixed port is for people (a
     * psql session into a paused test); only the class's first instance gets it, clones for
     * concurrent or per-method instances take free ports.
     */
    int port() default 0;

    /**
     * The name of the instance's one database (in the JDBC URL, {@code current_database()}); default
     * {@code postgres}. Another name is created when an instance is started from scratch (per class,
     * or per template with {@link Sharing#SUITE}): about 0.1 s, 0.5 s for the first instance of a JVM;
     * instances started from a migrated snapshot already have it.
     */
    String database() default "postgres";

    /** The user clients log in as; default {@code postgres}. */
    String user() default "postgres";

    /**
     * The password the server requires (SCRAM-SHA-256) of {@link #user()}; default empty: no
     * password, any user name is let in.
     */
    String password() default "";

    /** Whether classes with the same configuration share an instance; default {@link Sharing#NONE}. */
    Sharing sharing() default Sharing.NONE;

    /** Which instance a test method runs on. */
    enum Lifecycle {
        /**
         * One instance per test class, set up once (init scripts, {@code @BeforeAll}); methods run on
         * it, reset according to {@link #reset()}. Methods of the class that run concurrently get
         * their own clone of the class's snapshot.
         */
        PER_CLASS,
        /**
         * Each test method gets a new instance: a clone of the class's snapshot taken after its setup
         * ({@code @BeforeAll} runs on the class's instance), closed after the method.
         */
        PER_METHOD
    }

    /** What happens to the database between test methods. */
    enum Reset {
        /** Before each method, the instance is restored to the snapshot taken after the class's setup (milliseconds). */
        RESTORE,
        /** Nothing: what a method writes is seen by the methods after it (on the same instance). */
        NONE
    }

    /** Where the instance keeps its data. */
    enum Storage {
        /** In the heap; nothing touches the disk. */
        MEMORY,
        /**
         * A temporary directory, deleted on close. Clones (concurrent methods, methods after the
         * first under {@link Reset#RESTORE}) run in memory: pglite-core cannot restore a directory
         * in place yet.
         */
        TEMPORARY,
        /**
         * The directory {@link #dataPath()}: created and initialised on first use, kept after the
         * run, reopened by the next one (with what the previous run wrote: write init scripts with
         * {@code IF NOT EXISTS}, or use migrations, which apply only what is pending). Locked while
         * an instance uses it: classes that name the same directory need {@link Sharing#SUITE}.
         * Clones run in memory, as with {@link #TEMPORARY}.
         */
        PATH
    }

    /** Whether test classes share an instance. */
    enum Sharing {
        /** Each test class starts its own instance and runs the init scripts on it. */
        NONE,
        /**
         * Test classes with the same configuration ({@link #dataDirectory()}, {@link #dataPath()}, {@link #migrations()},
         * {@link #migrationSettings()}, {@link #initScripts()}, {@link #database()}, {@link #port()}, {@link #user()},
         * {@link #password()}) share one template instance, started and initialised
         * once per test run: a class runs on the template itself, restored to its state after the init
         * scripts, when no other class holds it, and on a clone of that state when one does (classes
         * running in parallel). The template closes at the end of the run.
         */
        SUITE
    }
}
