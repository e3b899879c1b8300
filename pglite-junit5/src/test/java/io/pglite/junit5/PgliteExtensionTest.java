package io.pglite.junit5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.pglite.core.Pglite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/** Runs the classes of {@link Fixtures} through the JUnit Platform and checks what happened. */
class PgliteExtensionTest {
    private int startedBefore;
    private int runningBefore;

    @BeforeEach
    void remember() {
        startedBefore = InstancePool.STARTED.get();
        runningBefore = Pglite.running().size();
    }

    @AfterEach
    void nothingLeftRunning() {
        assertEquals(runningBefore, Pglite.running().size(), "instances left running: " + Pglite.running());
    }

    private int started() {
        return InstancePool.STARTED.get() - startedBefore;
    }

    static EngineExecutionResults run(Map<String, String> configuration, Class<?>... classes) {
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameters(configuration)
                .selectors(java.util.Arrays.stream(classes).map(c -> selectClass(c))
                        .toArray(org.junit.platform.engine.DiscoverySelector[]::new))
                .execute();
    }

    static EngineExecutionResults run(Class<?>... classes) {
        return run(Map.of(), classes);
    }

    static String failures(EngineExecutionResults results) {
        return results.allEvents().failed().stream()
                .map(e -> e.getTestDescriptor().getDisplayName() + ": "
                        + e.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                                .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable)
                                .map(Throwable::toString).orElse("?"))
                .collect(Collectors.joining("\n"));
    }

    static void assertAllPassed(EngineExecutionResults results, long tests) {
        assertEquals("", failures(results));
        assertEquals(tests, results.testEvents().succeeded().count());
    }

    @Test
    void everyKindOfMethodIsIsolatedOnOneInstance() {
        EngineExecutionResults results = run(Fixtures.Isolation.class);
        // first, second, 3 repetitions, 3 parameters, 2 dynamic tests
        assertAllPassed(results, 10);
        assertEquals(1, started(), "one instance for the class, methods restored, no clones");
    }

    @Test
    void fieldsAndPerClassTestInstance() {
        assertAllPassed(run(Fixtures.Fields.class), 2);
        assertEquals(1, started());
    }

    @Test
    void nestedClassesRunOnTheOuterInstance() {
        Fixtures.Outer.NAMES.clear();
        assertAllPassed(run(Fixtures.Outer.class), 3);
        assertEquals(1, started());
        assertEquals(1, Fixtures.Outer.NAMES.size(), Fixtures.Outer.NAMES.toString());
    }

    @Test
    void resetNoneKeepsWhatMethodsWrote() {
        assertAllPassed(run(Fixtures.NoReset.class), 2);
    }

    @Test
    void perMethodLifecycleStartsAnInstanceForEveryMethod() {
        Fixtures.PerMethod.NAMES.clear();
        assertAllPassed(run(Fixtures.PerMethod.class), 3);
        assertEquals(4, started(), "the class's instance and one clone per method");
        assertEquals(3, Fixtures.PerMethod.NAMES.size());
    }

    @Test
    void metaAnnotationAndInheritance() {
        assertAllPassed(run(Fixtures.MetaAnnotated.class, Fixtures.Inheriting.class), 2);
        assertEquals(2, started());
    }

    @Test
    void classesWithSuiteSharingUseOneTemplate() {
        assertAllPassed(run(Fixtures.SharedA.class, Fixtures.SharedB.class), 4);
        assertEquals(1, started(), "sequential classes run on the template itself, restored");
    }

    @Test
    void temporaryDataDirectory() {
        Fixtures.Temporary.DIRECTORIES.clear();
        assertAllPassed(run(Fixtures.Temporary.class), 3);
        assertEquals(2, started(), "the instance on disk for the first method, one in-memory clone for the others");
        String directory = Fixtures.Temporary.DIRECTORIES.iterator().next();
        assertTrue(!java.nio.file.Files.exists(java.nio.file.Path.of(directory)), "deleted on close: " + directory);
    }

    @Test
    void credentials() {
        assertAllPassed(run(Fixtures.Credentials.class), 1);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void parallelClassesAndMethodsSeeOnlyTheirOwnData() {
        Map<String, String> parallel = Map.of(
                "junit.jupiter.execution.parallel.enabled", "true",
                "junit.jupiter.execution.parallel.mode.default", "concurrent",
                "junit.jupiter.execution.parallel.mode.classes.default", "concurrent",
                "junit.jupiter.execution.parallel.config.strategy", "fixed",
                "junit.jupiter.execution.parallel.config.fixed.parallelism", "4");
        EngineExecutionResults results = run(parallel, Fixtures.ParallelA.class, Fixtures.ParallelB.class,
                Fixtures.ParallelSharedA.class, Fixtures.ParallelSharedB.class);
        assertAllPassed(results, 16);
        assertTrue(started() > 3, "concurrent methods ran on clones: " + started());
    }

    @Test
    void extensionsAreCreatedBeforeTheInitScriptsAndInEveryClone() {
        assertAllPassed(run(Fixtures.WithExtensions.class), 2);
    }

    @Test
    void databaseNameAndFixedPort() {
        assertAllPassed(run(Fixtures.DatabaseAndPort.class), 1);
    }

    @Test
    void aDirectoryOfTheUsersKeepsItsDataForTheNextRun() throws Exception {
        Path directory = Path.of(Fixtures.PathData.DIRECTORY);
        deleteTree(directory);
        Fixtures.PathData.expectedRuns = 1;
        assertAllPassed(run(Fixtures.PathData.class), 2);
        assertTrue(Files.isDirectory(directory.resolve("base")), "the cluster stays in " + directory);
        Fixtures.PathData.expectedRuns = 2;
        assertAllPassed(run(Fixtures.PathData.class), 2);
        deleteTree(directory);
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        if (Files.exists(root)) {
            try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
                for (Path path : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
                    Files.delete(path);
                }
            }
        }
    }

    /** Misuse: the exact messages. */
    @Nested
    class Failures {
        private String containerFailure(Class<?> fixture) {
            EngineExecutionResults results = run(fixture);
            List<Event> failed = results.allEvents().failed().list();
            assertEquals(1, failed.size(), failures(results));
            return failed.get(0).getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
                    .getThrowable().orElseThrow().getMessage();
        }

        @Test
        void missingScript() {
            assertEquals("@PgliteInstance init script 'db/nope.sql' is not on the class path",
                    containerFailure(Fixtures.MissingScript.class));
        }

        @Test
        void brokenScript() {
            assertEquals("@PgliteInstance init script 'db/broken.sql' failed at line 3: ERROR: relation"
                    + " \"missing_table\" does not exist [SQLSTATE 42P01]\n"
                    + "  statement: INSERT INTO missing_table VALUES (1)",
                    containerFailure(Fixtures.BrokenScript.class));
        }

        @Test
        void wrongParameterType() {
            assertEquals("@PgliteInstance cannot inject parameter 0 of WrongParameter.test(int):"
                    + " @PgliteJdbcUrl needs type String, found int",
                    containerFailure(Fixtures.WrongParameter.class));
        }

        @Test
        void wrongAnnotatedParameterType() {
            assertEquals("@PgliteInstance cannot inject parameter 0 of WrongAnnotatedParameter.test(Integer):"
                    + " supported are " + PgliteExtension.SUPPORTED + ", found java.lang.Integer",
                    containerFailure(Fixtures.WrongAnnotatedParameter.class));
        }

        @Test
        void wrongFieldType() {
            assertEquals("@PgliteInstance cannot inject field WrongField.notAUrl: supported are "
                    + PgliteExtension.SUPPORTED + ", found java.lang.String",
                    containerFailure(Fixtures.WrongField.class));
        }

        @Test
        void staticFieldWithPerMethodLifecycle() {
            assertEquals("@PgliteInstance cannot inject field StaticFieldPerMethod.dataSource: it is shared by the"
                    + " methods of StaticFieldPerMethod, and test() runs on an instance of its own (lifecycle"
                    + " PER_METHOD); inject it as a method parameter or an instance field",
                    containerFailure(Fixtures.StaticFieldPerMethod.class));
        }
    
        @Test
        void finalField() {
            assertEquals("@PgliteInstance cannot inject field FinalField.dataSource: the field is final",
                    containerFailure(Fixtures.FinalField.class));
        }

        @Test
        void aValueThatCannotBeProvided() {
            EngineExecutionResults results = run(Fixtures.InstanceClosedBeforeTheTest.class);
            String message = results.testEvents().failed().list().get(0)
                    .getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
                    .getThrowable().orElseThrow().getMessage();
            assertTrue(message.startsWith("@PgliteInstance could not provide parameter 0 of "
                    + "InstanceClosedBeforeTheTest.test(Connection): "), message);
        }

        @Test
        void migrationsWithoutARunnerOnTheClassPath() {
            assertEquals("@PgliteInstance(migrations = [classpath:db/migration]) needs a migration runner on the test"
                    + " class path: add the dependency io.pglite:pglite-flyway",
                    containerFailure(Fixtures.MigrationsWithoutRunner.class));
        }

        @Test
        void conflictingAndInvalidAttributes() {
            assertEquals("@PgliteInstance(migrationSettings = ...) without migrations: name the migration locations"
                    + " too, e.g. migrations = \"classpath:db/migration\"",
                    containerFailure(Fixtures.SettingsWithoutMigrations.class));
            assertEquals("@PgliteInstance(port = 70000): expected 0 (a free port) to 65535",
                    containerFailure(Fixtures.PortOutOfRange.class));
            assertTrue(containerFailure(Fixtures.ReservedDatabase.class)
                    .startsWith("@PgliteInstance(database = \"template0\"): database: 'template0' (expected: "));
            assertTrue(containerFailure(Fixtures.UnknownExtension.class).startsWith("@PgliteInstance(extensions = ...):"
                    + " extension 'postgis' is not shipped with this engine; available: amcheck, "));
        }

        @Test
        void pathAndDirectoryGoTogether() {
            assertEquals("@PgliteInstance(dataDirectory = PATH) needs dataPath, e.g. dataPath = \"target/test-db\"",
                    containerFailure(Fixtures.PathWithoutDirectory.class));
            assertEquals("@PgliteInstance(dataPath = \"target/somewhere\") is used with dataDirectory = PATH only",
                    containerFailure(Fixtures.DirectoryWithoutPath.class));
        }
}
}
