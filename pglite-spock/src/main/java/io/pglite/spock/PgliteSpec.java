package io.pglite.spock;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.spockframework.runtime.extension.ExtensionAnnotation;

/**
 * Gives a Spock specification a PostgreSQL instance (pglite-java, in this JVM, in memory), reset
 * before each feature iteration by restoring a snapshot taken after {@code setupSpec()}.
 *
 * <pre>{@code
 * @PgliteSpec(initScripts = "db/schema.sql")
 * class CustomerRepositorySpec extends Specification {
 *     @Shared DataSource dataSource       // a pooled DataSource on the instance
 *     @Shared Pglite pg                   // the instance itself
 *     @Shared @PgliteJdbcUrl String url   // its JDBC URL
 *     ...
 * }
 * }</pre>
 *
 * Lifecycle: the instance starts before {@code setupSpec()}; migrations, then init scripts run on
 * it; fields are set; {@code setupSpec()} runs; a snapshot is taken. Each feature iteration starts
 * from that snapshot. The connection pool and the instance close after {@code cleanupSpec()}, also
 * when something before failed. Fields set: those of type {@link javax.sql.DataSource} and
 * {@link io.pglite.core.Pglite}, and {@code String} fields annotated {@link PgliteJdbcUrl}; shared
 * ones before {@code setupSpec()}, the others before each iteration; a field its initializer gave a
 * value is left alone. See docs/spock.md.
 *
 * <p>On a base specification it applies to its subclasses; a subclass's own {@code @PgliteSpec}
 * replaces it.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtensionAnnotation(PgliteSpecExtension.class)
public @interface PgliteSpec {

    /**
     * Class path resources of SQL scripts run once, in order, after the migrations and before
     * {@code setupSpec()}, e.g. {@code "db/schema.sql"}; a leading {@code /} is ignored. Each script
     * runs as one simple query: its statements run in one transaction (so no {@code VACUUM} or
     * {@code CREATE DATABASE} in them).
     */
    String[] initScripts() default {};

    /**
     * Locations of schema migrations applied before the init scripts: {@code "classpath:db/migration"}
     * or {@code "filesystem:src/main/resources/db/migration"}. Needs a migration runner on the test
     * class path: pglite-flyway (Flyway), which migrates once per JVM and caches the result across runs.
     */
    String[] migrations() default {};

    /** Settings of the migration tool, each {@code "name=value"}, e.g. {@code "flyway.placeholders.owner=app"}. */
    String[] migrationSettings() default {};

    /**
     * Extensions to create when the instance is set up, before migrations and init scripts, e.g.
     * {@code {"pgcrypto", "vector"}}: any of {@code Pglite.availableExtensions()}, each with those it
     * requires. The scripts run once per JVM and list of extensions; later instances start from a
     * prepared image that has them, at no extra cost.
     */
    String[] extensions() default {};

    /** The name of the instance's one database; default {@code postgres}. */
    String database() default "postgres";

    /** What happens to the database between feature iterations; default {@link Reset#RESTORE}. */
    Reset reset() default Reset.RESTORE;

    /** What happens to the database between feature iterations. */
    enum Reset {
        /**
         * Before each iteration the instance is restored to the snapshot taken after
         * {@code setupSpec()} (milliseconds). The specification's features run one at a time,
         * also when Spock runs features in parallel, as they share the instance.
         */
        RESTORE,
        /** Nothing: what an iteration writes is seen by those after it. */
        NONE
    }
}
