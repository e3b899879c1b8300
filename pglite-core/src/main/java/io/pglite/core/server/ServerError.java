package io.pglite.core.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * An error the server raises itself, with a real SQLSTATE, sent as an {@code ErrorResponse}.
 * {@code FATAL} errors close the connection after they are sent.
 */
record ServerError(boolean fatal, String sqlState, String message, String hint) {
    /** 08P01: the client broke the protocol. */
    static ServerError protocolViolation(String message) {
        return new ServerError(true, "08P01", message, null);
    }

    /** 53300-style refusal at startup and other fatal errors with a hint. */
    static ServerError fatal(String sqlState, String message, String hint) {
        return new ServerError(true, sqlState, message, hint);
    }

    static ServerError error(String sqlState, String message, String hint) {
        return new ServerError(false, sqlState, message, hint);
    }

    byte[] toWire() {
        ByteArrayOutputStream body = new ByteArrayOutputStream(96);
        String severity = fatal ? "FATAL" : "ERROR";
        field(body, 'S', severity);
        field(body, 'V', severity);
        field(body, 'C', sqlState);
        field(body, 'M', message);
        if (hint != null) {
            field(body, 'H', hint);
        }
        body.write(0);
        byte[] fields = body.toByteArray();
        byte[] message = new byte[5 + fields.length];
        message[0] = 'E';
        int length = 4 + fields.length;
        message[1] = (byte) (length >>> 24);
        message[2] = (byte) (length >>> 16);
        message[3] = (byte) (length >>> 8);
        message[4] = (byte) length;
        System.arraycopy(fields, 0, message, 5, fields.length);
        return message;
    }

    private static void field(ByteArrayOutputStream out, char code, String value) {
        out.write(code);
        out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
        out.write(0);
    }
}
