package io.pglite.benchmarks;

import static io.pglite.benchmarks.ProbeOutput.millis;
import static io.pglite.benchmarks.ProbeOutput.report;

/**
 * Figure 2: start to first {@code SELECT 1} result of instances started after a first one was
 * started and closed in the same JVM. Arguments: a {@link DatabaseKind}, the number of instances
 * to time after the first.
 */
public final class RestartProbe {
    static final String FIRST_INSTANCE = "first instance: start to first result (ms)";
    static final String MEDIAN = "later instances: start to first result, median (ms)";
    static final String MIN = "later instances: start to first result, min (ms)";
    static final String MAX = "later instances: start to first result, max (ms)";
    static final String START_MEDIAN = "later instances: start, median (ms)";
    static final String QUERY_MEDIAN = "later instances: first SELECT 1, median (ms)";

    private RestartProbe() {
    }

    public static void main(String[] args) throws Exception {
        DatabaseKind kind = DatabaseKind.valueOf(args[0]);
        int repeats = Integer.parseInt(args[1]);
        report(FIRST_INSTANCE, startAndQuery(kind)[0]);

        double[] total = new double[repeats];
        double[] start = new double[repeats];
        double[] query = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            double[] timing = startAndQuery(kind);
            total[i] = timing[0];
            start[i] = timing[1];
            query[i] = timing[2];
        }
        Samples totals = new Samples(total);
        report(MEDIAN, totals.median());
        report(MIN, totals.min());
        report(MAX, totals.max());
        report(START_MEDIAN, new Samples(start).median());
        report(QUERY_MEDIAN, new Samples(query).median());
    }

    /** Starts, queries and closes an instance; returns ms of start + query, start, query. */
    private static double[] startAndQuery(DatabaseKind kind) throws Exception {
        long before = System.nanoTime();
        try (Database database = kind.start()) {
            long started = System.nanoTime();
            database.requireSelectOne();
            long answered = System.nanoTime();
            return new double[] {millis(answered - before), millis(started - before), millis(answered - started)};
        }
    }
}
