package io.pglite.benchmarks;

import static io.pglite.benchmarks.ProbeOutput.millis;
import static io.pglite.benchmarks.ProbeOutput.report;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.pglite.benchmarks.suite.PgliteSharedSuite;
import io.pglite.benchmarks.suite.PgliteSuite;
import io.pglite.benchmarks.suite.SuiteTests;
import io.pglite.benchmarks.suite.ZonkySuite;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Figure 7: a synthetic test suite of 20 classes of 20 methods ({@code io.pglite.benchmarks.suite}),
 * every method inserting rows and checking it sees only its own and its class setup's, run through
 * the JUnit Platform launcher as a build tool would. Times from {@code LauncherFactory.create()} to
 * the return of {@code execute} (every class's and the run's resources closed by then), and counts
 * tests that passed and failed. Argument: a {@link Suite}.
 */
public final class SuiteProbe {
    static final String TOTAL = "launcher start to end (ms)";
    static final String DISCOVERY = "discovery: LauncherFactory.create() + discover (ms)";
    static final String FIRST_TEST = "launcher start to first test method start (ms)";
    static final String FIRST_CLASS = "first class: start to end (ms)";
    static final String LATER_CLASS = "later classes: start to end, median (ms)";
    static final String PER_METHOD = "test methods: start to end, median (ms)";
    static final String PER_METHOD_P99 = "test methods: start to end, p99 (ms)";
    static final String FOUND = "tests found";
    static final String PASSED = "tests passed";
    static final String FAILED = "tests failed";
    static final String ABORTED = "tests aborted or skipped";
    static final String CONTAINERS_FAILED = "classes or engine failed";
    static final int CLASSES = PgliteSuite.CLASSES.length;
    static final int METHODS = SuiteTests.METHODS;
    private static final int FAILURES_SHOWN = 3;

    /** The suites compared: the same test classes, a different extension giving them their database. */
    enum Suite {
        /** {@code @PgliteInstance} defaults: an instance per class, restored before each method. */
        PGLITE(PgliteSuite.CLASSES),
        /** {@code @PgliteInstance(sharing = SUITE)}: one template instance for all classes. */
        PGLITE_SHARED(PgliteSharedSuite.CLASSES),
        /** Zonky: one cluster, a template database per class, a copy per method. */
        ZONKY(ZonkySuite.CLASSES);

        final Class<?>[] classes;

        Suite(Class<?>[] classes) {
            this.classes = classes;
        }
    }

    private SuiteProbe() {
    }

    public static void main(String[] args) {
        Suite suite = Suite.valueOf(args[0]);
        Logger quiet = Logger.getLogger("io.pglite"); // held: the extension logs each class's instance at INFO
        quiet.setLevel(Level.WARNING);

        long started = System.nanoTime();
        Launcher launcher = LauncherFactory.create();
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(Arrays.stream(suite.classes).map(c -> selectClass(c)).toList())
                .build();
        var plan = launcher.discover(request);
        long discovered = System.nanoTime();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        Timing timing = new Timing();
        launcher.execute(plan, summary, timing);
        long ended = System.nanoTime();

        TestExecutionSummary result = summary.getSummary();
        report(TOTAL, millis(ended - started));
        report(DISCOVERY, millis(discovered - started));
        report(FIRST_TEST, timing.firstTest == 0 ? Double.NaN : millis(timing.firstTest - started));
        List<Double> classes = timing.classMillis;
        report(FIRST_CLASS, classes.isEmpty() ? Double.NaN : classes.get(0));
        report(LATER_CLASS, classes.size() < 2 ? Double.NaN
                : new Samples(classes.subList(1, classes.size()).stream().mapToDouble(Double::doubleValue).toArray())
                        .median());
        Samples methods = timing.methodMillis.isEmpty() ? new Samples(new double[] {Double.NaN})
                : new Samples(timing.methodMillis.stream().mapToDouble(Double::doubleValue).toArray());
        report(PER_METHOD, methods.median());
        report(PER_METHOD_P99, methods.percentile(99));
        report(FOUND, result.getTestsFoundCount());
        report(PASSED, result.getTestsSucceededCount());
        report(FAILED, result.getTestsFailedCount());
        report(ABORTED, result.getTestsAbortedCount() + result.getTestsSkippedCount());
        report(CONTAINERS_FAILED, result.getContainersFailedCount());
        List<TestExecutionSummary.Failure> failures = result.getFailures();
        for (int i = 0; i < Math.min(FAILURES_SHOWN, failures.size()); i++) {
            TestExecutionSummary.Failure failure = failures.get(i);
            System.out.println("failed: " + failure.getTestIdentifier().getUniqueId() + ": " + failure.getException());
            if (i == 0) {
                failure.getException().printStackTrace();
            }
        }
        if (failures.size() > FAILURES_SHOWN) {
            System.out.println("... and " + (failures.size() - FAILURES_SHOWN) + " more failures");
        }
    }

    /** When the first test started, and how long each class and each test method took. */
    private static final class Timing implements TestExecutionListener {
        volatile long firstTest;
        final List<Double> classMillis = new ArrayList<>();
        final List<Double> methodMillis = new ArrayList<>();
        private final Map<String, Long> starts = new ConcurrentHashMap<>();

        @Override
        public void executionStarted(TestIdentifier identifier) {
            long now = System.nanoTime();
            if (identifier.isTest() && firstTest == 0) {
                firstTest = now;
            }
            starts.put(identifier.getUniqueId(), now);
        }

        @Override
        public synchronized void executionFinished(TestIdentifier identifier, TestExecutionResult result) {
            Long start = starts.remove(identifier.getUniqueId());
            if (start == null) {
                return;
            }
            double took = millis(System.nanoTime() - start);
            if (identifier.isTest()) {
                methodMillis.add(took);
            } else if (identifier.getSource().filter(ClassSource.class::isInstance).isPresent()) {
                classMillis.add(took);
            }
        }
    }
}
