package io.pglite.core.server;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A packet of the startup phase: its request code and what follows it. */
record StartupPacket(int code, byte[] body) {
    static final int SSL_REQUEST = 80877103;
    static final int GSSENC_REQUEST = 80877104;
    static final int CANCEL_REQUEST = 80877102;

    int majorVersion() {
        return code >>> 16;
    }

    int minorVersion() {
        return code & 0xffff;
    }

    /** The name/value pairs of a StartupMessage, in order. */
    Map<String, String> parameters() {
        Map<String, String> parameters = new LinkedHashMap<>();
        int position = 0;
        while (position < body.length && body[position] != 0) {
            int nameEnd = terminator(position);
            int valueEnd = terminator(nameEnd + 1);
            parameters.put(new String(body, position, nameEnd - position, StandardCharsets.UTF_8),
                    new String(body, nameEnd + 1, valueEnd - nameEnd - 1, StandardCharsets.UTF_8));
            position = valueEnd + 1;
        }
        return parameters;
    }

    private int terminator(int from) {
        for (int i = from; i < body.length; i++) {
            if (body[i] == 0) {
                return i;
            }
        }
        throw new ProtocolViolation("invalid startup packet layout: expected terminator as last byte");
    }
}
