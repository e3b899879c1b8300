package io.pglite.benchmarks;

/** A markdown table built row by row: first column left-aligned, the others right-aligned. */
final class Table {
    private final StringBuilder text = new StringBuilder();

    Table(String... header) {
        row(header);
        text.append("|---|").append("---:|".repeat(header.length - 1)).append('\n');
    }

    Table row(String... cells) {
        text.append("| ").append(String.join(" | ", cells)).append(" |\n");
        return this;
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
