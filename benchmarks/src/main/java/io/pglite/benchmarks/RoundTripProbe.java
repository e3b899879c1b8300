package io.pglite.benchmarks;

import static io.pglite.benchmarks.ProbeOutput.key;
import static io.pglite.benchmarks.ProbeOutput.micros;
import static io.pglite.benchmarks.ProbeOutput.report;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Map;

/**
 * Figure 3: round trips of {@code SELECT 1} on one started instance, for each way the database
 * offers. All ways are warmed up first, in turn (each at least the given iterations, all together at
 * least {@value #WARMUP_MILLIS} ms and until the JIT has settled, see {@link #warmUp}); then every
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
    static final long MAX_WARMUP_MILLIS = 60_000;
    static final int SETTLED_PERCENT = 2;

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

    /**
     * Runs every way {@code iterations} times, in turn, over and over: for at least {@value #WARMUP_MILLIS} ms,
     * and then on until the JIT has settled, that is until a whole round of the ways kept the compiler threads
     * busy for less than {@value #SETTLED_PERCENT} % of the round's time (at most {@value #MAX_WARMUP_MILLIS} ms
     * in all). Some paths take longer than others: pglite's {@code Statement} parses every query, and HotSpot
     * is still compiling the parser's split functions after 5 s. Returns the warm-up's length in seconds.
     */
    static double warmUp(Iterable<Database.RoundTrip> ways, int iterations) throws Exception {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long start = System.nanoTime();
        long now;
        boolean settled;
        do {
            long roundStart = System.nanoTime();
            long compiledBefore = jit.getTotalCompilationTime();
            for (Database.RoundTrip way : ways) {
                for (int i = 0; i < iterations; i++) {
                    way.run();
                }
            }
            now = System.nanoTime();
            long compiledMillis = jit.getTotalCompilationTime() - compiledBefore;
            settled = compiledMillis * 100 < SETTLED_PERCENT * (now - roundStart) / 1_000_000.0;
        } while ((now - start < WARMUP_MILLIS * 1_000_000 || !settled) && now - start < MAX_WARMUP_MILLIS * 1_000_000);
        return (now - start) / 1e9;
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
