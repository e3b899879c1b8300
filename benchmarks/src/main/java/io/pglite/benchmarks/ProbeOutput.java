package io.pglite.benchmarks;

import java.util.Locale;

/**
 * How a probe running in a child JVM hands its figures to the harness: one tab-separated
 * {@code @result} line per figure on standard output, read back by {@link ChildJvm}.
 */
final class ProbeOutput {
    static final String PREFIX = "@result\t";

    private ProbeOutput() {
    }

    /** The result key of one statistic of one way of doing something, e.g. "JDBC Statement: median (us)". */
    static String key(String way, String statistic) {
        return way + ": " + statistic;
    }

    static void report(String key, double value) {
        System.out.println(PREFIX + key + "\t" + String.format(Locale.ROOT, "%.4f", value));
    }

    static double millis(long nanos) {
        return nanos / 1e6;
    }

    static double micros(long nanos) {
        return nanos / 1e3;
    }
}
