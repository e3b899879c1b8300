package io.pglite.benchmarks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything one benchmark run measured: for each figure, the child runs of each variant. */
final class Results {
    final Map<Variant, List<ProbeRun>> freshJvm = new LinkedHashMap<>();
    final Map<Variant, ProbeRun> freshJvmUntimed = new LinkedHashMap<>();
    final Map<Variant, List<ProbeRun>> secondInstance = new LinkedHashMap<>();
    final Map<Variant, List<ProbeRun>> roundTrip = new LinkedHashMap<>();
    final Map<Variant, List<ProbeRun>> memory = new LinkedHashMap<>();
    final Map<Variant, List<ProbeRun>> jdbc = new LinkedHashMap<>();
    final Map<Variant, List<ProbeRun>> reset = new LinkedHashMap<>();
    final Map<Variant, List<ProbeRun>> suite = new LinkedHashMap<>();
    /** Figure 8: the first run of each pair, and the next one with the migrations unchanged. */
    final Map<Variant, List<ProbeRun>> flywayFirst = new LinkedHashMap<>();
    final Map<Variant, List<ProbeRun>> flywayNext = new LinkedHashMap<>();
    /** Figure 9: extensions at start-up. */
    final Map<Variant, List<ProbeRun>> extensions = new LinkedHashMap<>();

    /** The median over a variant's runs of a figure; NaN if it has none. */
    static double median(Map<Variant, List<ProbeRun>> figure, Variant variant, String key) {
        return stats(figure, variant, key).median();
    }

    /** A figure over a variant's runs; a single NaN if it has none. */
    static Samples stats(Map<Variant, List<ProbeRun>> figure, Variant variant, String key) {
        List<ProbeRun> runs = figure.getOrDefault(variant, List.of());
        if (runs.isEmpty()) {
            return new Samples(new double[] {Double.NaN});
        }
        return new Samples(runs.stream().mapToDouble(run -> run.get(key)).toArray());
    }

    /** Wall times of a variant's child processes. */
    static Samples wallTimes(Map<Variant, List<ProbeRun>> figure, Variant variant) {
        return new Samples(figure.get(variant).stream().mapToDouble(ProbeRun::wallMillis).toArray());
    }
}
