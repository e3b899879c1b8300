package io.pglite.core.server;

import java.nio.charset.StandardCharsets;

/**
 * Gives each connection its own namespace of prepared statements and portals in the one shared
 * backend: every non-empty name in Parse, Bind, Describe, Close and Execute gets the connection's
 * prefix, so pgjdbc's {@code S_1} on two connections are two statements. The unnamed statement and
 * portal stay unnamed: they live only until the next Parse/Bind of the same connection's batch.
 */
final class StatementNames {
    private StatementNames() {
    }

    /** Name fields a message starts with: Parse 1 (statement), Bind 2 (portal, statement), Execute 1 (portal). */
    private static int nameCount(byte type) {
        switch (type) {
            case 'P': case 'E': return 1;
            case 'B': return 2;
            default: return 0;
        }
    }

    /**
     * The message with its names prefixed; the same array when it has none to change.
     *
     * @throws ProtocolViolation when a name is not NUL-terminated or a Describe/Close target is unknown
     */
    static byte[] rewrite(byte[] message, byte[] prefix) {
        byte type = message[0];
        int position = 5;
        int names;
        if (type == 'D' || type == 'C') {
            if (message.length < 7) {
                throw new ProtocolViolation("invalid " + (type == 'D' ? "Describe" : "Close") + " message: too short");
            }
            byte target = message[5];
            if (target != 'S' && target != 'P') {
                throw new ProtocolViolation("invalid " + (type == 'D' ? "DESCRIBE" : "CLOSE") + " message subtype " + target);
            }
            position = 6;
            names = 1;
        } else {
            names = nameCount(type);
        }
        if (names == 0) {
            return message;
        }
        int[] ends = new int[names];
        int[] starts = new int[names];
        int grow = 0;
        for (int i = 0; i < names; i++) {
            starts[i] = position;
            ends[i] = terminator(message, position);
            if (ends[i] > position) {
                grow += prefix.length;
            }
            position = ends[i] + 1;
        }
        if (grow == 0) {
            return message;
        }
        byte[] out = new byte[message.length + grow];
        int from = 0;
        int to = 0;
        for (int i = 0; i < names; i++) {
            if (ends[i] == starts[i]) {
                continue;
            }
            System.arraycopy(message, from, out, to, starts[i] - from);
            to += starts[i] - from;
            System.arraycopy(prefix, 0, out, to, prefix.length);
            to += prefix.length;
            from = starts[i];
        }
        System.arraycopy(message, from, out, to, message.length - from);
        int length = out.length - 1;
        out[1] = (byte) (length >>> 24);
        out[2] = (byte) (length >>> 16);
        out[3] = (byte) (length >>> 8);
        out[4] = (byte) length;
        return out;
    }

    /** The statement a Parse creates or a Close of a statement removes, already prefixed; null otherwise. */
    static String statementName(byte[] rewritten) {
        int start;
        if (rewritten[0] == 'P') {
            start = 5;
        } else if (rewritten[0] == 'C' && rewritten[5] == 'S') {
            start = 6;
        } else {
            return null;
        }
        int end = terminator(rewritten, start);
        return end == start ? null : new String(rewritten, start, end - start, StandardCharsets.UTF_8);
    }

    /** The named statement a Bind or a Describe of a statement uses (prefixed); null otherwise. */
    static String usedStatement(byte[] rewritten) {
        int start;
        if (rewritten[0] == 'B') {
            start = terminator(rewritten, 5) + 1; // after the portal name
        } else if (rewritten[0] == 'D' && rewritten[5] == 'S') {
            start = 6;
        } else {
            return null;
        }
        int end = terminator(rewritten, start);
        return end == start ? null : new String(rewritten, start, end - start, StandardCharsets.UTF_8);
    }

    private static int terminator(byte[] message, int from) {
        for (int i = from; i < message.length; i++) {
            if (message[i] == 0) {
                return i;
            }
        }
        throw new ProtocolViolation("invalid string in message '" + (char) message[0] + "': no terminating NUL");
    }
}
