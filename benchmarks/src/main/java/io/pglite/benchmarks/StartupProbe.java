package io.pglite.benchmarks;

import static io.pglite.benchmarks.ProbeOutput.millis;
import static io.pglite.benchmarks.ProbeOutput.report;

/**
 * Figure 1, run in a fresh child JVM: from the start of {@code main} to the first {@code SELECT 1}
 * result, with the parts of it this JVM can see. Argument: a {@link DatabaseKind}.
 */
public final class StartupProbe {
    static final String JVM_LAUNCH = "JVM launch to main (ms)";
    static final String FIRST_RESULT = "main to first result (ms)";
    static final String START = "start (ms)";
    static final String FIRST_QUERY = "first SELECT 1 (ms)";

    private StartupProbe() {
    }

    public static void main(String[] args) throws Exception {
        long mainStarted = System.nanoTime();
        Database database = DatabaseKind.valueOf(args[0]).start();
        long started = System.nanoTime();
        database.requireSelectOne();
        long answered = System.nanoTime();

        report(FIRST_RESULT, millis(answered - mainStarted));
        report(JVM_LAUNCH, millis(mainStarted - ChildJvm.launchedAt()));
        report(START, millis(started - mainStarted));
        report(FIRST_QUERY, millis(answered - started));
        database.breakdown().forEach(ProbeOutput::report);
        JvmCounters.snapshot().forEach(ProbeOutput::report);
        database.close();
    }
}
