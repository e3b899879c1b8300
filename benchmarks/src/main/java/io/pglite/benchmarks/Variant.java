package io.pglite.benchmarks;

import java.util.List;

/**
 * One configuration under measurement: a database kind and the JVM options of its child JVMs.
 *
 * @param label how tables and the chart name it
 */
record Variant(String label, DatabaseKind kind, List<String> jvmOptions) {
    static final String HUGE_METHODS_FLAG = "-XX:-DontCompileHugeMethods";
    static final Variant PGLITE = new Variant("pglite", DatabaseKind.PGLITE, List.of());
    static final Variant PGLITE_HUGE_METHODS = new Variant("pglite " + HUGE_METHODS_FLAG, DatabaseKind.PGLITE,
            List.of(HUGE_METHODS_FLAG));
    static final Variant ZONKY = new Variant("Zonky", DatabaseKind.ZONKY, List.of());
    /** pglite in figure 5 with its threads sleeping at once instead of spinning briefly ({@code SpinWait}). */
    static final Variant PGLITE_NO_SPIN = new Variant("pglite, no spinning", DatabaseKind.PGLITE,
            List.of("-Dpglite.spinMicros=0"));
    /**
     * pglite in figure 1 with a dynamic class-data archive (AppCDS) that its untimed first run wrote:
     * the options depend on that run and the scratch directory, so {@code BenchmarkMain} adds them.
     */
    static final Variant PGLITE_ARCHIVE = new Variant("pglite, class-data archive", DatabaseKind.PGLITE, List.of());
    /** pglite in figure 7 with {@code @PgliteInstance(sharing = SUITE)}: the same JVM, another suite. */
    static final Variant PGLITE_SHARED = new Variant("pglite, sharing = SUITE", DatabaseKind.PGLITE, List.of());

    /** Every variant, for the figures that compare the JIT flag too. */
    static final List<Variant> ALL = List.of(PGLITE, PGLITE_HUGE_METHODS, ZONKY);
    /** Figure 1's variants: every variant and pglite with a class-data archive. */
    static final List<Variant> FRESH = List.of(PGLITE, PGLITE_HUGE_METHODS, PGLITE_ARCHIVE, ZONKY);
    /** Figure 5's variants: the defaults, and pglite without spinning between its threads. */
    static final List<Variant> JDBC = List.of(PGLITE, PGLITE_NO_SPIN, ZONKY);
    /** One variant per kind, with default JVM options. */
    static final List<Variant> DEFAULTS = List.of(PGLITE, ZONKY);
    /** Figure 7's suites: {@code @PgliteInstance} defaults, with suite sharing, Zonky template copies. */
    static final List<Variant> SUITES = List.of(PGLITE, PGLITE_SHARED, ZONKY);
}
