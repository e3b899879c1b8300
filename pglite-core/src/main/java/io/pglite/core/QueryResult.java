package io.pglite.core;

import java.util.List;

/**
 * The outcome of {@link Pglite#query(String)}: column names, rows in PostgreSQL's text format
 * ({@code null} for SQL NULL) and the command tag ({@code SELECT 3}, {@code INSERT 0 1}, ...). With
 * several statements in one call it describes the last one.
 */
public final class QueryResult {
    private final List<String> columns;
    private final List<List<String>> rows;
    private final String commandTag;

    QueryResult(List<String> columns, List<List<String>> rows, String commandTag) {
        this.columns = List.copyOf(columns);
        this.rows = List.copyOf(rows);
        this.commandTag = commandTag;
    }

    /** Column names, in order; empty for statements that return no rows. */
    public List<String> columns() {
        return columns;
    }

    /** The rows; each value as PostgreSQL's text output, {@code null} for NULL. */
    public List<List<String>> rows() {
        return rows;
    }

    /** The command tag PostgreSQL reported, e.g. {@code SELECT 1}. */
    public String commandTag() {
        return commandTag;
    }

    /**
     * The value of a result with exactly one row and one column.
     *
     * @throws IllegalStateException when the result has another shape
     */
    public String singleValue() {
        if (rows.size() != 1 || columns.size() != 1) {
            throw new IllegalStateException("result has " + rows.size() + " rows and " + columns.size()
                    + " columns (expected: 1 row, 1 column)");
        }
        return rows.get(0).get(0);
    }

    @Override
    public String toString() {
        return commandTag + " " + columns + " " + rows;
    }
}
