package io.pglite.benchmarks;

import java.util.Arrays;
import java.util.List;

/**
 * Sizes of a benchmark run, from system properties {@code bench.*} (the module's pom passes them).
 *
 * @param runs fresh child JVMs per variant for figure 1, after one untimed run
 * @param repeats instances timed per variant for figure 2, after a first one; samples of each way of figure 9
 * @param warmup least warm-up round trips of each API before figure 3's samples
 * @param iterations timed round trips per way of querying for figure 3
 * @param instances idle instances started for figure 4
 * @param inserts timed single-row inserts for figure 5 (after {@code warmup} of them at least)
 * @param poolSeconds length of figure 5's timed pool run, after a fixed warm-up
 * @param resets timed reset cycles of each way of figure 6 (pglite restore, Zonky template copy,
 *     Zonky TRUNCATE and re-insert), after a few untimed ones
 * @param clones pglite clones started one after another for figure 6 (the first one reported apart)
 * @param snapshots later pglite snapshots held at once for figure 6's heap per retained snapshot
 * @param suiteRuns runs of figure 7's synthetic test suite per variant, interleaved
 * @param flywayRuns pairs of child JVMs per kind for figure 8 (a first run, then one with the
 *     migrations unchanged), interleaved
 * @param extensionRuns child JVMs per kind for figure 9, interleaved; each times {@code repeats}
 *     samples of every way (and one first instance with extensions)
 * @param figures the figures to run ({@code bench.figures}, e.g. {@code 9} or {@code 2,9}); empty for
 *     all. A run of some figures only prints their sections and leaves the document and the chart alone.
 */
record Settings(int runs, int repeats, int warmup, int iterations, int instances, int inserts, int poolSeconds,
        int resets, int clones, int snapshots, int suiteRuns, int flywayRuns, int extensionRuns, List<Integer> figures) {
    static final int FIGURES = 9;

    static Settings fromSystemProperties() {
        return new Settings(
                Integer.getInteger("bench.runs", 5),
                Integer.getInteger("bench.repeats", 10),
                Integer.getInteger("bench.warmup", 5000),
                Integer.getInteger("bench.iterations", 20000),
                Integer.getInteger("bench.instances", 4),
                Integer.getInteger("bench.inserts", 10000),
                Integer.getInteger("bench.poolSeconds", 20),
                Integer.getInteger("bench.resets", 200),
                Integer.getInteger("bench.clones", 6),
                Integer.getInteger("bench.snapshots", 10),
                Integer.getInteger("bench.suiteRuns", 3),
                Integer.getInteger("bench.flywayRuns", 3),
                Integer.getInteger("bench.extensionRuns", 3),
                figures(System.getProperty("bench.figures", "all")));
    }

    /** Whether this run measures {@code figure}. */
    boolean includes(int figure) {
        return figures.isEmpty() || figures.contains(figure);
    }

    private static List<Integer> figures(String list) {
        if (list.isBlank() || list.equals("all")) {
            return List.of();
        }
        List<Integer> figures = Arrays.stream(list.split(",")).map(String::strip).map(Integer::valueOf).sorted()
                .distinct().toList();
        if (figures.stream().anyMatch(figure -> figure < 1 || figure > FIGURES)) {
            throw new IllegalArgumentException("bench.figures: " + list + " (expected: all, or numbers from 1 to "
                    + FIGURES + " separated by commas)");
        }
        return figures.size() == FIGURES ? List.of() : figures;
    }
}
