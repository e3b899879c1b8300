package io.pglite.benchmarks;

import static io.pglite.benchmarks.ProbeOutput.key;
import static io.pglite.benchmarks.ProbeOutput.micros;
import static io.pglite.benchmarks.ProbeOutput.report;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Map;

/**
 * Figure 3: round trips of {@code SELECT 1} on one started instance, for each way the database
 * offers. All ways are warmed up first, in turn (each at least the given iterations, all together at
 * least {@value #WARMUP_MILLIS} ms), so that the JIT has settled before any way is timed; then every
 * one of the timed iterations of each way is a sample. Arguments: a {@link DatabaseKind}, warm-up
 * iterations, timed iterations.
 */
public final class RoundTripProbe {
    static final String MEDIAN = "median (us)";
    static final String P99 = "p99 (us)";
    static final String MEAN = "mean (us)";
    static final String MIN = "min (us)";
    static final String ALLOCATED = "heap allocated per round trip, all threads (KiB)";
    static final long WARMUP_MILLIS = 5000;

    private RoundTripProbe() {
    }

    public static void main(String[] args) throws Exception {
        DatabaseKind kind = DatabaseKind.valueOf(args[0]);
        int warmup = Integer.parseInt(args[1]);
        int iterations = Integer.parseInt(args[2]);
        try (Database database = kind.start()) {
            Map<String, Database.RoundTrip> ways = database.roundTrips();
            warmUp(ways.values(), warmup);
            for (Map.Entry<String, Database.RoundTrip> way : ways.entrySet()) {
                long allocatedBefore = allocatedBytes();
                Samples samples = time(way.getValue(), iterations);
                double allocated = (allocatedBytes() - allocatedBefore) / 1024.0 / iterations;
                report(key(way.getKey(), MEDIAN), samples.median());
                report(key(way.getKey(), P99), samples.percentile(99));
                report(key(way.getKey(), MEAN), samples.mean());
                report(key(way.getKey(), MIN), samples.min());
                report(key(way.getKey(), ALLOCATED), allocated);
            }
        }
    }

    static void warmUp(Iterable<Database.RoundTrip> ways, int iterations) throws Exception {
        long end = System.nanoTime() + WARMUP_MILLIS * 1_000_000;
        do {
            for (Database.RoundTrip way : ways) {
                for (int i = 0; i < iterations; i++) {
                    way.run();
                }
            }
        } while (System.nanoTime() < end);
    }

    static Samples time(Database.RoundTrip roundTrip, int iterations) throws Exception {
        double[] samples = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long before = System.nanoTime();
            roundTrip.run();
            samples[i] = micros(System.nanoTime() - before);
        }
        return new Samples(samples);
    }

    /** Bytes allocated so far by the live threads of this JVM (the engine's thread included). */
    static long allocatedBytes() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        return Arrays.stream(threads.getThreadAllocatedBytes(threads.getAllThreadIds())).filter(n -> n > 0).sum();
    }
}
