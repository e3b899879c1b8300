package io.pglite.core.server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which connection listens to which channel. The backend has one set of LISTENs for everybody; the
 * registry remembers who asked, so a notification goes to the connections that listen and only to
 * them, and a channel stays LISTENed in the backend while anybody still wants it. Engine thread only.
 */
final class ListenRegistry {
    private final Map<String, Set<ClientSession>> listeners = new HashMap<>();

    /** The LISTEN/UNLISTEN commands in {@code sql}, in order: channel names, or "*" for UNLISTEN *. */
    static List<Intent> intents(String sql) {
        if (!mentionsListen(sql)) {
            return List.of(); // the common case, checked without allocating
        }
        List<Intent> intents = new ArrayList<>();
        for (String statement : statements(sql)) {
            String[] words = statement.trim().split("\\s+", 2);
            if (words.length != 2) {
                continue;
            }
            boolean listen = words[0].equalsIgnoreCase("listen");
            if (!listen && !words[0].equalsIgnoreCase("unlisten")) {
                continue;
            }
            String channel = identifier(words[1].trim());
            if (channel != null) {
                intents.add(new Intent(listen, channel));
            }
        }
        return intents;
    }

    private static boolean mentionsListen(String sql) {
        for (int i = sql.length() - 6; i >= 0; i--) {
            if (sql.regionMatches(true, i, "listen", 0, 6)) {
                return true;
            }
        }
        return false;
    }

    /** What a command asked: listen to a channel, or stop (channel "*" = all). */
    record Intent(boolean listen, String channel) {
    }

    void apply(ClientSession session, List<Intent> intents) {
        for (Intent intent : intents) {
            if (intent.listen()) {
                listeners.computeIfAbsent(intent.channel(), c -> new HashSet<>()).add(session);
            } else if ("*".equals(intent.channel())) {
                remove(session);
            } else {
                Set<ClientSession> set = listeners.get(intent.channel());
                if (set != null && set.remove(session) && set.isEmpty()) {
                    listeners.remove(intent.channel());
                }
            }
        }
    }

    /** Forgets {@code session}; returns the channels nobody listens to any more. */
    List<String> remove(ClientSession session) {
        List<String> abandoned = new ArrayList<>();
        listeners.entrySet().removeIf(entry -> {
            if (entry.getValue().remove(session) && entry.getValue().isEmpty()) {
                abandoned.add(entry.getKey());
                return true;
            }
            return false;
        });
        return abandoned;
    }

    /** The channels somebody other than {@code session} listens to: the backend must keep them. */
    Set<String> channelsOfOthers(ClientSession session) {
        Set<String> channels = new HashSet<>();
        listeners.forEach((channel, set) -> {
            if (set.size() > (set.contains(session) ? 1 : 0)) {
                channels.add(channel);
            }
        });
        return channels;
    }

    /** Every channel somebody listens to. */
    Set<String> channels() {
        return new HashSet<>(listeners.keySet());
    }

    Set<ClientSession> listeners(String channel) {
        return listeners.getOrDefault(channel, Set.of());
    }

    void clear() {
        listeners.clear();
    }

    /** An SQL identifier as PostgreSQL folds it: quoted kept as written, unquoted lower-cased. */
    private static String identifier(String text) {
        if (text.equals("*")) {
            return "*";
        }
        if (text.startsWith("\"") && text.endsWith("\"") && text.length() >= 2) {
            return text.substring(1, text.length() - 1).replace("\"\"", "\"");
        }
        if (text.matches("[A-Za-z_\\u0080-\\uffff][A-Za-z0-9_$\\u0080-\\uffff]*")) {
            return text.toLowerCase(Locale.ROOT);
        }
        return null;
    }

    /** Splits at semicolons outside quotes, comments and dollar quotes. */
    private static List<String> statements(String sql) {
        List<String> statements = new ArrayList<>();
        int start = 0;
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                i = sql.indexOf(c, i + 1);
                i = i < 0 ? n : i + 1;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                i = sql.indexOf('\n', i);
                i = i < 0 ? n : i + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = sql.indexOf("*/", i + 2);
                i = i < 0 ? n : i + 2;
            } else if (c == '$') {
                int tagEnd = sql.indexOf('$', i + 1);
                String tag = tagEnd < 0 ? null : sql.substring(i, tagEnd + 1);
                if (tag != null && tag.matches("\\$[A-Za-z_0-9]*\\$")) {
                    int close = sql.indexOf(tag, tagEnd + 1);
                    i = close < 0 ? n : close + tag.length();
                } else {
                    i++;
                }
            } else if (c == ';') {
                statements.add(sql.substring(start, i));
                start = ++i;
            } else {
                i++;
            }
        }
        statements.add(sql.substring(start));
        return statements;
    }

    /** The LISTEN/UNLISTEN commands in a Query or Parse message. */
    static List<Intent> intents(byte[] message) {
        if ((message[0] != 'Q' && message[0] != 'P') || !mentionsListen(message)) {
            return List.of();
        }
        String sql = queryText(message);
        return sql == null ? List.of() : intents(sql);
    }

    private static boolean mentionsListen(byte[] message) {
        outer:
        for (int i = 5; i + 6 <= message.length; i++) {
            for (int k = 0; k < 6; k++) {
                if ((message[i + k] | 0x20) != "listen".charAt(k)) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** The SQL text of a Query or Parse message; null for other messages. */
    private static String queryText(byte[] message) {
        int start;
        if (message[0] == 'Q') {
            start = 5;
        } else if (message[0] == 'P') {
            start = 5;
            while (start < message.length && message[start] != 0) {
                start++;
            }
            start++;
        } else {
            return null;
        }
        int end = start;
        while (end < message.length && message[end] != 0) {
            end++;
        }
        return start >= message.length ? null : new String(message, start, end - start, StandardCharsets.UTF_8);
    }
}
