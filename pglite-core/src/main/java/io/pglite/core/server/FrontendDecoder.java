package io.pglite.core.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Frames what a client sends. First the startup phase, whose packets carry no type byte (a length
 * that counts itself, then a request code): emitted as {@link StartupPacket}s. Once the handler
 * calls {@link #typedMessagesFollow()}, typed messages (a type byte, then a length that counts
 * itself): emitted whole, header included, as byte arrays, since they are copied into wasm memory
 * next anyway. One decoder for both phases, so no byte received early is lost in a hand-over.
 *
 * <p>An unknown type or a length the protocol cannot have is refused before anything is buffered,
 * so garbage never reaches the backend.
 */
final class FrontendDecoder extends ByteToMessageDecoder {
    /** PostgreSQL's own limit for a startup packet. */
    static final int MAX_STARTUP_LENGTH = 10_000;
    /** PostgreSQL's limit for one message (PQ_LARGE_MESSAGE_LIMIT). */
    static final int MAX_LENGTH = 0x3fff_ffff;

    private boolean startup = true;
    private boolean discarding;

    /** The startup packet was accepted: from now on every message has a type byte. */
    void typedMessagesFollow() {
        startup = false;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (discarding) {
            in.skipBytes(in.readableBytes()); // the connection is being closed after a violation
            return;
        }
        try {
            if (startup) {
                decodeStartupPacket(in, out);
            } else {
                decodeMessage(in, out);
            }
        } catch (ProtocolViolation e) {
            discarding = true;
            throw e;
        }
    }

    private static void decodeStartupPacket(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 4) {
            return;
        }
        int length = in.getInt(in.readerIndex());
        if (length < 8 || length > MAX_STARTUP_LENGTH) {
            in.skipBytes(in.readableBytes());
            throw new ProtocolViolation("invalid length of startup packet: " + Integer.toUnsignedString(length)
                    + " (expected: 8 to " + MAX_STARTUP_LENGTH + ")");
        }
        if (in.readableBytes() < length) {
            return;
        }
        in.skipBytes(4);
        int code = in.readInt();
        byte[] body = new byte[length - 8];
        in.readBytes(body);
        out.add(new StartupPacket(code, body));
    }

    private static void decodeMessage(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 1) {
            return;
        }
        byte type = in.getByte(in.readerIndex());
        if (!isFrontendType(type)) {
            in.skipBytes(in.readableBytes());
            throw new ProtocolViolation("invalid frontend message type " + (type & 0xff)
                    + (type >= 32 && type < 127 ? " ('" + (char) type + "')" : ""));
        }
        if (in.readableBytes() < 5) {
            return;
        }
        int length = in.getInt(in.readerIndex() + 1);
        if (length < 4 || length > MAX_LENGTH) {
            in.skipBytes(in.readableBytes());
            throw new ProtocolViolation("invalid message length: " + Integer.toUnsignedString(length)
                    + " (expected: 4 to " + MAX_LENGTH + ") for message type '" + (char) type + "'");
        }
        if (in.readableBytes() < 1 + length) {
            return;
        }
        byte[] message = new byte[1 + length];
        in.readBytes(message);
        out.add(message);
    }

    private static boolean isFrontendType(byte type) {
        switch (type) {
            case 'B': case 'C': case 'c': case 'd': case 'D': case 'E': case 'f': case 'F':
            case 'H': case 'p': case 'P': case 'Q': case 'S': case 'X':
                return true;
            default:
                return false;
        }
    }
}
