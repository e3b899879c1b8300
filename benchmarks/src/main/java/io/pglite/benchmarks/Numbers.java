package io.pglite.benchmarks;

import java.util.Locale;

/** How the report and the chart print figures: three significant digits or so, no false precision. */
final class Numbers {
    private Numbers() {
    }

    static String format(double value) {
        if (Double.isNaN(value)) {
            return "–";
        }
        double magnitude = Math.abs(value);
        String pattern = magnitude >= 100 ? "%.0f" : magnitude >= 10 ? "%.1f" : "%.2f";
        return String.format(Locale.ROOT, pattern, value);
    }

    static String ratio(double numerator, double denominator) {
        return Double.isNaN(numerator) || Double.isNaN(denominator) || denominator == 0
                ? "–" : format(numerator / denominator) + "×";
    }

    /** Relative change from {@code before} to {@code after}, signed, in percent. */
    static String change(double before, double after) {
        return Double.isNaN(before) || Double.isNaN(after) || before == 0
                ? "–" : String.format(Locale.ROOT, "%+.0f %%", (after / before - 1) * 100);
    }
}
