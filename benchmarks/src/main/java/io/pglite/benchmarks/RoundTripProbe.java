package io.pglite.benchmarks;

import static io.pglite.benchmarks.ProbeOutput.micros;
import static io.pglite.benchmarks.ProbeOutput.report;

import java.util.Map;

/**
 * Figure 3: round trips of {@code SELECT 1} on one started instance, for each way the database
 * offers. Each way is warmed up (at least the given iterations and {@value #WARMUP_MILLIS} ms), then
 * every one of the timed iterations is a sample. Arguments: a {@link DatabaseKind}, warm-up
 * iterations, timed iterations.
 */
public final class RoundTripProbe {
    static final String MEDIAN = "median (us)";
    static final String P99 = "p99 (us)";
    static final String MEAN = "mean (us)";
    static final String MIN = "min (us)";
    private static final long WARMUP_MILLIS = 3000;

    private RoundTripProbe() {
    }

    /** The result key of a statistic for one way of running the query. */
    static String key(String way, String statistic) {
        return way + ": " + statistic;
    }

    public static void main(String[] args) throws Exception {
        DatabaseKind kind = DatabaseKind.valueOf(args[0]);
        int warmup = Integer.parseInt(args[1]);
        int iterations = Integer.parseInt(args[2]);
        try (Database database = kind.start()) {
            for (Map.Entry<String, Database.RoundTrip> way : database.roundTrips().entrySet()) {
                Samples samples = time(way.getValue(), warmup, iterations);
                report(key(way.getKey(), MEDIAN), samples.median());
                report(key(way.getKey(), P99), samples.percentile(99));
                report(key(way.getKey(), MEAN), samples.mean());
                report(key(way.getKey(), MIN), samples.min());
            }
        }
    }

    private static Samples time(Database.RoundTrip roundTrip, int warmup, int iterations) throws Exception {
        long warmupEnd = System.nanoTime() + WARMUP_MILLIS * 1_000_000;
        for (int i = 0; i < warmup || System.nanoTime() < warmupEnd; i++) {
            roundTrip.run();
        }
        double[] samples = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long before = System.nanoTime();
            roundTrip.run();
            samples[i] = micros(System.nanoTime() - before);
        }
        return new Samples(samples);
    }
}
