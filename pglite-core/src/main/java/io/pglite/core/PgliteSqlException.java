package io.pglite.core;

/**
 * PostgreSQL answered a statement with an error. The instance is fine and the next statement runs
 * normally.
 */
public class PgliteSqlException extends PgliteException {
    private static final long serialVersionUID = 1L;

    private final String sqlState;
    private final String severity;
    private final String detail;

    /**
     * An error PostgreSQL reported; the exception's message is
     * {@code "<severity>: <message>[\n  Detail: <detail>] [SQLSTATE <sqlState>]"}.
     *
     * @param severity ERROR, FATAL or PANIC
     * @param sqlState the five-character SQLSTATE code
     * @param message PostgreSQL's primary message
     * @param detail PostgreSQL's DETAIL line, or {@code null}
     */
    public PgliteSqlException(String severity, String sqlState, String message, String detail) {
        super(severity + ": " + message + (detail == null ? "" : "\n  Detail: " + detail) + " [SQLSTATE " + sqlState + "]");
        this.sqlState = sqlState;
        this.severity = severity;
        this.detail = detail;
    }

    /** The five-character SQLSTATE code, e.g. {@code 22012} for division by zero. */
    public String sqlState() {
        return sqlState;
    }

    /** ERROR, FATAL or PANIC. */
    public String severity() {
        return severity;
    }

    /** PostgreSQL's DETAIL line, or {@code null}. */
    public String detail() {
        return detail;
    }
}
