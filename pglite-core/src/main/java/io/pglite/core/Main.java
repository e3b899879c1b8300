package io.pglite.core;

import java.io.PrintStream;
import java.util.List;

/**
 * Runs SQL given on the command line against a fresh in-memory instance and prints the results.
 *
 * <pre>java -jar pglite-core-standalone.jar "CREATE TABLE t (x int)" "INSERT INTO t VALUES (1)" "SELECT * FROM t"</pre>
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: java -jar pglite-core-standalone.jar \"SQL\" [\"SQL\" ...]");
            System.exit(2);
        }
        int status = 0;
        try (Pglite pg = Pglite.start()) {
            for (String sql : args) {
                try {
                    print(pg.query(sql), System.out);
                } catch (PgliteSqlException e) {
                    System.err.println(e.getMessage());
                    status = 1;
                }
            }
        }
        System.exit(status);
    }

    /** Prints a result the way psql's aligned format does, followed by the command tag. */
    static void print(QueryResult result, PrintStream out) {
        List<String> columns = result.columns();
        if (!columns.isEmpty()) {
            int[] widths = new int[columns.size()];
            for (int i = 0; i < widths.length; i++) {
                widths[i] = columns.get(i).length();
                for (List<String> row : result.rows()) {
                    widths[i] = Math.max(widths[i], text(row.get(i)).length());
                }
            }
            StringBuilder header = new StringBuilder();
            StringBuilder rule = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                header.append(i == 0 ? " " : " | ").append(pad(columns.get(i), widths[i]));
                rule.append(i == 0 ? "-" : "-+-").append("-".repeat(widths[i]));
            }
            out.println(header);
            out.println(rule.append('-'));
            for (List<String> row : result.rows()) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < widths.length; i++) {
                    line.append(i == 0 ? " " : " | ").append(pad(text(row.get(i)), widths[i]));
                }
                out.println(line);
            }
        }
        out.println(result.commandTag());
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(width - s.length());
    }
}
