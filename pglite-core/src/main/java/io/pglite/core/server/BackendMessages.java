package io.pglite.core.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The backend messages the server writes itself (startup replies, authentication, its own errors),
 * each into an exactly sized buffer. Everything else the client receives is the engine's own output.
 */
final class BackendMessages {
    static final byte SSL_REFUSED = 'N';

    private BackendMessages() {
    }

    static ByteBuf authenticationOk(ByteBufAllocator alloc) {
        return alloc.ioBuffer(9).writeByte('R').writeInt(8).writeInt(0);
    }

    /** AuthenticationSASL offering the one mechanism we implement. */
    static ByteBuf authenticationSasl(ByteBufAllocator alloc) {
        byte[] mechanism = ScramAuthenticator.MECHANISM.getBytes(StandardCharsets.US_ASCII);
        int length = 4 + 4 + mechanism.length + 1 + 1;
        return alloc.ioBuffer(1 + length).writeByte('R').writeInt(length).writeInt(10)
                .writeBytes(mechanism).writeByte(0).writeByte(0);
    }

    /** AuthenticationSASLContinue (11) or AuthenticationSASLFinal (12) with {@code data}. */
    static ByteBuf authenticationSaslData(ByteBufAllocator alloc, int code, String data) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        return alloc.ioBuffer(9 + bytes.length).writeByte('R').writeInt(8 + bytes.length).writeInt(code).writeBytes(bytes);
    }

    static ByteBuf parameterStatus(ByteBufAllocator alloc, Map<String, String> parameters) {
        ByteBuf out = alloc.ioBuffer(parameters.size() * 32);
        parameters.forEach((name, value) -> {
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            byte[] v = value.getBytes(StandardCharsets.UTF_8);
            out.writeByte('S').writeInt(4 + n.length + 1 + v.length + 1).writeBytes(n).writeByte(0).writeBytes(v).writeByte(0);
        });
        return out;
    }

    static ByteBuf backendKeyData(ByteBufAllocator alloc, int processId, int secret) {
        return alloc.ioBuffer(13).writeByte('K').writeInt(12).writeInt(processId).writeInt(secret);
    }

    static ByteBuf readyForQuery(ByteBufAllocator alloc, byte status) {
        return alloc.ioBuffer(6).writeByte('Z').writeInt(5).writeByte(status);
    }

    /** NegotiateProtocolVersion: we speak 3.0, and none of the {@code _pq_} options asked for. */
    static ByteBuf negotiateProtocolVersion(ByteBufAllocator alloc, Iterable<String> unsupportedOptions) {
        ByteBuf out = alloc.ioBuffer(64);
        out.writeByte('v').writeInt(0).writeInt(0);
        int count = 0;
        int countIndex = out.writerIndex();
        out.writeInt(0);
        for (String option : unsupportedOptions) {
            out.writeBytes(option.getBytes(StandardCharsets.UTF_8)).writeByte(0);
            count++;
        }
        out.setInt(countIndex, count);
        out.setInt(1, out.writerIndex() - 1);
        return out;
    }
}
