package io.pglite.flyway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** {@code @PgliteInstance(migrations = ...)} with pglite-flyway on the class path, run through the JUnit Platform. */
class FlywayExtensionTest {
    @TempDir
    static Path cache;
    private static String cacheBefore;

    /** A cache directory of this run's own: a cache file of an earlier build would spare the migration counted here. */
    @BeforeAll
    static void ownCache() {
        cacheBefore = System.setProperty(PgliteFlyway.CACHE_PROPERTY, cache.toString());
    }

    @AfterAll
    static void restoreCache() {
        if (cacheBefore == null) {
            System.clearProperty(PgliteFlyway.CACHE_PROPERTY);
        } else {
            System.setProperty(PgliteFlyway.CACHE_PROPERTY, cacheBefore);
        }
    }

    private static EngineExecutionResults run(Class<?>... classes) {
        return EngineTestKit.engine("junit-jupiter")
                .selectors(Arrays.stream(classes).map(c -> selectClass(c)).toArray(DiscoverySelector[]::new))
                .execute();
    }

    private static List<String> failures(EngineExecutionResults results) {
        return results.allEvents().failed().stream()
                .map(e -> e.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable)
                        .map(Throwable::getMessage).orElse("?"))
                .collect(Collectors.toList());
    }

    @Test
    void migratesOnceForAllClassesWithTheSameMigrations() {
        int before = CountingCallback.MIGRATIONS.get();
        EngineExecutionResults results = run(FlywayFixtures.MigratedA.class, FlywayFixtures.MigratedB.class,
                FlywayFixtures.MigratedC.class);
        assertEquals(List.of(), failures(results));
        assertEquals(9, results.testEvents().succeeded().count());
        assertEquals(1, CountingCallback.MIGRATIONS.get() - before, "one Flyway migrate for three classes");
    }

    @Test
    void initScriptsRunAfterTheMigrationsOnTheNamedDatabase() {
        EngineExecutionResults results = run(FlywayFixtures.MigratedThenScripted.class);
        assertEquals(List.of(), failures(results));
        assertEquals(1, results.testEvents().succeeded().count());
    }

    @Test
    void dataOnDiskIsMigratedInPlace() {
        int before = CountingCallback.MIGRATIONS.get();
        EngineExecutionResults results = run(FlywayFixtures.MigratedOnDisk.class);
        assertEquals(List.of(), failures(results));
        assertEquals(2, results.testEvents().succeeded().count());
        assertEquals(1, CountingCallback.MIGRATIONS.get() - before);
    }

    @Test
    void aFailingMigrationFailsEveryClassThatAsksForItWithFlywaysMessage() {
        int before = CountingCallback.MIGRATIONS.get();
        EngineExecutionResults results = run(FlywayFixtures.FailingMigration.class, FlywayFixtures.FailingMigrationToo.class);
        List<String> failures = failures(results);
        assertEquals(2, failures.size(), failures.toString());
        for (String message : failures) {
            assertTrue(message.startsWith("@PgliteInstance migrations [classpath:db/failing] could not be applied (Flyway): "
                    + "Flyway could not migrate [classpath:db/failing]: "), message);
            assertTrue(message.contains("V2__broken.sql"), message);
            assertTrue(message.contains("SQL State  : 42601"), message);
            assertTrue(message.contains("Statement  : CREATE TABLE broken (id integer,, name text)"), message);
        }
        assertEquals(1, CountingCallback.MIGRATIONS.get() - before, "migrated once, the failure remembered");
    }
}
