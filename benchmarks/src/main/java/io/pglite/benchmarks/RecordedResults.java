package io.pglite.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The figures of a run as {@link Report} recorded them in the benchmarks document, read back from
 * the tables of its numbered figures, for drawing the chart again without measuring
 * ({@code BenchmarkMain --chart-only}).
 *
 * <p>The tables hold, per variant, the median over its runs (with min–max where there were several);
 * each figure comes back as one run per variant with those medians, so {@link Results#median}
 * returns what the document shows, rounded as it shows it. Cells without a number ({@code –},
 * {@code on}) are left out. Wall times and the untimed runs of figure 1 are not recovered.
 */
final class RecordedResults {
    private static final Pattern FIGURE = Pattern.compile("^### (\\d+)\\. ");
    private static final String FIRST_RUN = "first run: ";
    private static final String NEXT_RUN = "next run: ";

    private RecordedResults() {
    }

    /** The figures of the section {@link MarkdownSection} wrote into {@code document}. */
    static Results read(Path document) throws IOException {
        String text = Files.readString(document);
        int start = text.indexOf(MarkdownSection.START);
        int end = text.indexOf(MarkdownSection.END);
        if (start < 0 || end < start) {
            throw new IOException(document + " has no section between " + MarkdownSection.START + " and "
                    + MarkdownSection.END + ": nothing recorded to draw");
        }
        Map<Integer, Map<Variant, Map<String, Double>>> figures = new LinkedHashMap<>();
        int figure = 0;
        List<String[]> table = new ArrayList<>();
        for (String line : text.substring(start, end).split("\n")) {
            Matcher heading = FIGURE.matcher(line);
            if (line.startsWith("### ")) {
                figure = heading.find() ? Integer.parseInt(heading.group(1)) : 0;
            }
            if (line.startsWith("|")) {
                table.add(cells(line));
            } else if (!table.isEmpty()) {
                readTable(figure, table, figures);
                table.clear();
            }
        }
        if (!table.isEmpty()) {
            readTable(figure, table, figures);
        }
        Results results = new Results();
        fill(results.freshJvm, figures.get(1));
        fill(results.secondInstance, figures.get(2));
        fill(results.roundTrip, figures.get(3));
        fill(results.memory, figures.get(4));
        fill(results.jdbc, figures.get(5));
        fill(results.reset, figures.get(6));
        fill(results.suite, figures.get(7));
        Map<Variant, Map<String, Double>> flyway = figures.getOrDefault(8, Map.of());
        Map<Variant, Map<String, Double>> first = new LinkedHashMap<>();
        Map<Variant, Map<String, Double>> next = new LinkedHashMap<>();
        flyway.forEach((variant, values) -> values.forEach((key, value) -> {
            if (key.startsWith(FIRST_RUN)) {
                first.computeIfAbsent(variant, v -> new LinkedHashMap<>()).put(key.substring(FIRST_RUN.length()), value);
            } else if (key.startsWith(NEXT_RUN)) {
                next.computeIfAbsent(variant, v -> new LinkedHashMap<>()).put(key.substring(NEXT_RUN.length()), value);
            }
        }));
        fill(results.flywayFirst, first);
        fill(results.flywayNext, next);
        fill(results.extensions, figures.get(9));
        return results;
    }

    private static void fill(Map<Variant, List<ProbeRun>> figure, Map<Variant, Map<String, Double>> recorded) {
        if (recorded != null) {
            recorded.forEach((variant, values) -> figure.put(variant, List.of(new ProbeRun(values, Double.NaN))));
        }
    }

    /**
     * One table of a figure: either "measure" rows with a column per variant, or rows of a variant
     * and a way (an API, a statement, a reset step) with a column per statistic.
     */
    private static void readTable(int figure, List<String[]> table, Map<Integer, Map<Variant, Map<String, Double>>> figures) {
        if (figure == 0 || table.size() < 3) {
            return;
        }
        Map<Variant, Map<String, Double>> values = figures.computeIfAbsent(figure, f -> new LinkedHashMap<>());
        String[] header = table.get(0);
        boolean byMeasure = header[0].equals("measure");
        for (String[] row : table.subList(2, table.size())) { // after the header and its |---| line
            if (byMeasure) {
                for (int column = 1; column < row.length && column < header.length; column++) {
                    put(values, variant(header[column]), unlabel(row[0]), row[column]);
                }
            } else {
                String way = way(figure, row[1]);
                for (int column = 2; column < row.length && column < header.length; column++) {
                    put(values, variant(row[0]), ProbeOutput.key(way, unlabel(header[column])), row[column]);
                }
            }
        }
    }

    private static void put(Map<Variant, Map<String, Double>> values, Variant variant, String key, String cell) {
        Double value = number(cell);
        if (variant != null && value != null) {
            values.computeIfAbsent(variant, v -> new LinkedHashMap<>()).put(key, value);
        }
    }

    /** The result key of a way as a table names it: figure 5's names are {@link Report#jdbcWayName}. */
    private static String way(int figure, String name) {
        if (figure == 5) {
            for (String way : Report.JDBC_WAYS) {
                if (Report.jdbcWayName(way).equals(name)) {
                    return way;
                }
            }
        }
        return name.replace("`", "");
    }

    private static Variant variant(String label) {
        return Stream.of(Variant.FRESH, Variant.SUITES, Variant.JDBC).flatMap(List::stream)
                .filter(variant -> variant.label().equals(label)).findFirst().orElse(null);
    }

    /** The reverse of {@link Report#label}. */
    private static String unlabel(String label) {
        return label.replace("(µs)", "(us)");
    }

    /** The median of a cell: {@code 1598 (1533–1647)} is 1598; null for a cell without a number. */
    private static Double number(String cell) {
        String first = cell.split(" ", 2)[0];
        try {
            return Double.valueOf(first);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String[] cells(String line) {
        String inner = line.strip();
        inner = inner.substring(1, inner.endsWith("|") ? inner.length() - 1 : inner.length());
        String[] cells = inner.split("\\|", -1);
        for (int i = 0; i < cells.length; i++) {
            cells[i] = cells[i].strip();
        }
        return cells;
    }
}
