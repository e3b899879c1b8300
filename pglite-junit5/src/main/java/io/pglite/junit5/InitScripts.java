package io.pglite.junit5;

import io.pglite.core.Pglite;
import io.pglite.core.PgliteSqlException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** Runs the init scripts of {@link PgliteInstance#initScripts()}, statement by statement. */
final class InitScripts {
    private InitScripts() {
    }

    /** A statement of a script and the line it starts on. */
    record Statement(String sql, int line) {
    }

    static void run(Pglite pglite, List<String> scripts, ClassLoader loader) {
        for (String script : scripts) {
            String resource = script.startsWith("/") ? script.substring(1) : script;
            String text;
            try (InputStream in = loader.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new ExtensionConfigurationException("@PgliteInstance init script '" + script
                            + "' is not on the class path");
                }
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ExtensionConfigurationException("@PgliteInstance init script '" + script
                        + "' could not be read: " + e, e);
            }
            for (Statement statement : split(text)) {
                try {
                    pglite.query(statement.sql());
                } catch (PgliteSqlException e) {
                    throw new ExtensionConfigurationException("@PgliteInstance init script '" + script
                            + "' failed at line " + statement.line() + ": " + e.getMessage() + "\n  statement: "
                            + abbreviate(statement.sql()), e);
                }
            }
        }
    }

    private static String abbreviate(String sql) {
        String oneLine = sql.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }

    /**
     * Splits a script at the semicolons that end statements: not inside quotes, identifiers,
     * dollar-quoted bodies or comments.
     */
    static List<Statement> split(String text) {
        List<Statement> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int line = 1;
        int startLine = -1;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '-' && i + 1 < n && text.charAt(i + 1) == '-') {
                int end = text.indexOf('\n', i);
                end = end < 0 ? n : end;
                i = end;
                continue;
            }
            if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
                int depth = 0;
                int j = i;
                while (j < n) {
                    if (text.startsWith("/*", j)) {
                        depth++;
                        j += 2;
                    } else if (text.startsWith("*/", j)) {
                        depth--;
                        j += 2;
                        if (depth == 0) {
                            break;
                        }
                    } else {
                        if (text.charAt(j) == '\n') {
                            line++;
                        }
                        j++;
                    }
                }
                current.append(' ');
                i = j;
                continue;
            }
            if (c == ';') {
                if (startLine > 0) {
                    statements.add(new Statement(current.toString(), startLine));
                }
                current.setLength(0);
                startLine = -1;
                i++;
                continue;
            }
            if (!Character.isWhitespace(c) && startLine < 0) {
                startLine = line;
            }
            int end = i + 1;
            if (c == '\'' || c == '"') {
                end = closing(text, i + 1, c);
            } else if (c == '$') {
                int tagEnd = dollarTagEnd(text, i);
                if (tagEnd > 0) {
                    String tag = text.substring(i, tagEnd + 1);
                    int close = text.indexOf(tag, tagEnd + 1);
                    end = close < 0 ? n : close + tag.length();
                }
            }
            String piece = text.substring(i, end);
            line += piece.chars().filter(ch -> ch == '\n').count();
            current.append(piece);
            i = end;
        }
        if (startLine > 0 && !current.toString().isBlank()) {
            statements.add(new Statement(current.toString(), startLine));
        }
        return statements;
    }

    /** The index after the quote closing one opened before {@code from} ({@code ''} is an escaped quote). */
    private static int closing(String text, int from, char quote) {
        int i = from;
        while (i < text.length()) {
            if (text.charAt(i) == quote) {
                if (i + 1 < text.length() && text.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return text.length();
    }

    /** For {@code $tag$} or {@code $$} at {@code i}: the index of its closing {@code $}; else -1. */
    private static int dollarTagEnd(String text, int i) {
        if (i > 0 && (Character.isLetterOrDigit(text.charAt(i - 1)) || text.charAt(i - 1) == '_')) {
            return -1; // part of an identifier such as a$b
        }
        int j = i + 1;
        while (j < text.length() && (Character.isLetterOrDigit(text.charAt(j)) || text.charAt(j) == '_')) {
            if (j == i + 1 && Character.isDigit(text.charAt(j))) {
                return -1; // $1 is a parameter
            }
            j++;
        }
        return j < text.length() && text.charAt(j) == '$' ? j : -1;
    }
}
