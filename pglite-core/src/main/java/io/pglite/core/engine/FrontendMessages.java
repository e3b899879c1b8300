package io.pglite.core.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** The frontend messages the host itself sends the backend: a type byte, a length, one C string. */
public final class FrontendMessages {
    private FrontendMessages() {
    }

    /** A simple-protocol {@code Query}. */
    public static byte[] query(String sql) {
        return withText((byte) 'Q', sql);
    }

    /** Why a {@code COPY FROM STDIN} fails when no client can send the data (the API's own queries). */
    public static final String NO_COPY_CLIENT = "COPY FROM STDIN needs a client connection (for example pgjdbc's CopyManager)";

    /** A {@code CopyFail} with {@code reason}. */
    public static byte[] copyFail(String reason) {
        return withText((byte) 'f', reason);
    }

    private static byte[] withText(byte type, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + 4 + bytes.length + 1)
                .put(type).putInt(4 + bytes.length + 1).put(bytes).put((byte) 0).array();
    }
}
