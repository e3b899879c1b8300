package io.pglite.benchmarks;

import java.util.Map;

/**
 * What one child JVM reported, by figure name, and how long the child process lived.
 *
 * @param wallMillis from just before the launch to the exit of the child process
 */
record ProbeRun(Map<String, Double> results, double wallMillis) {
    /** A reported figure, or NaN if the probe did not report it. */
    double get(String key) {
        return results.getOrDefault(key, Double.NaN);
    }
}
