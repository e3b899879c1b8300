package io.pglite.benchmarks;

import java.util.Arrays;

/** Order statistics of a set of samples, computed from the sorted samples. */
final class Samples {
    private final double[] sorted;

    Samples(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        sorted = values.clone();
        Arrays.sort(sorted);
    }

    double median() {
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /** Nearest-rank percentile: the smallest sample with at least {@code p}% of samples at or below it. */
    double percentile(double p) {
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    double mean() {
        return Arrays.stream(sorted).average().orElseThrow();
    }

    double min() {
        return sorted[0];
    }

    double max() {
        return sorted[sorted.length - 1];
    }

    int count() {
        return sorted.length;
    }
}
