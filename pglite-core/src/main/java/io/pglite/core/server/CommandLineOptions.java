package io.pglite.core.server;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code options} startup parameter (libpq's {@code PGOPTIONS}): command-line switches for the
 * backend, of which the settings forms {@code -c name=value} and {@code --name=value} are applied.
 */
final class CommandLineOptions {
    private CommandLineOptions() {
    }

    static Map<String, String> parse(String options) {
        Map<String, String> settings = new LinkedHashMap<>();
        if (options == null || options.isBlank()) {
            return settings;
        }
        String[] words = split(options);
        for (int i = 0; i < words.length; i++) {
            String setting = null;
            if (words[i].equals("-c") && i + 1 < words.length) {
                setting = words[++i];
            } else if (words[i].startsWith("-c")) {
                setting = words[i].substring(2);
            } else if (words[i].startsWith("--")) {
                setting = words[i].substring(2);
            }
            int equals = setting == null ? -1 : setting.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("invalid command-line argument for server process: " + words[i]
                        + " (expected: -c name=value or --name=value)");
            }
            settings.put(setting.substring(0, equals).replace('-', '_'), setting.substring(equals + 1));
        }
        return settings;
    }

    /** Splits at unescaped white space; a backslash escapes the next character, as PostgreSQL does. */
    private static String[] split(String options) {
        java.util.List<String> words = new java.util.ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < options.length(); i++) {
            char c = options.charAt(i);
            if (c == '\\' && i + 1 < options.length()) {
                word.append(options.charAt(++i));
            } else if (Character.isWhitespace(c)) {
                if (word.length() > 0) {
                    words.add(word.toString());
                    word.setLength(0);
                }
            } else {
                word.append(c);
            }
        }
        if (word.length() > 0) {
            words.add(word.toString());
        }
        return words.toArray(new String[0]);
    }
}
