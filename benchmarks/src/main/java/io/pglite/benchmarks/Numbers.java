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

    /** A ratio; below 0.1 with two significant digits and as a fraction, e.g. {@code 0.0031× (1/320)}. */
    static String ratio(double numerator, double denominator) {
        if (Double.isNaN(numerator) || Double.isNaN(denominator) || denominator == 0) {
            return "–";
        }
        double ratio = numerator / denominator;
        if (ratio > 0 && ratio < 0.1) {
            return new java.math.BigDecimal(ratio).round(new java.math.MathContext(2)).toPlainString()
                    + "× (1/" + format(1 / ratio) + ")";
        }
        return format(ratio) + "×";
    }

    /** Relative change from {@code before} to {@code after}, signed, in percent. */
    static String change(double before, double after) {
        return Double.isNaN(before) || Double.isNaN(after) || before == 0
                ? "–" : String.format(Locale.ROOT, "%+.0f %%", (after / before - 1) * 100);
    }
}
