package io.pglite.core.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Framing of what clients send: startup packets, then typed messages; anything malformed is refused and the rest discarded. */
class FrontendDecoderTest {

    @Test
    void startupMessageIsFramedWithItsCodeAndParameters() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrontendDecoder());
        channel.writeInbound(buffer(startupMessage("user", "alice", "database", "db")));
        StartupPacket packet = channel.readInbound();
        assertEquals(196608, packet.code());
        assertEquals(3, packet.majorVersion());
        assertEquals(0, packet.minorVersion());
        assertEquals(Map.of("user", "alice", "database", "db"), packet.parameters());
        assertNull(channel.readInbound());
        assertFalse(channel.finish());
    }

    @Test
    void startupMessageFedOneByteAtATimeIsFramedOnceComplete() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrontendDecoder());
        byte[] startup = startupMessage("user", "bob");
        for (int i = 0; i < startup.length; i++) {
            channel.writeInbound(buffer(new byte[] {startup[i]}));
            if (i < startup.length - 1) {
                assertNull(channel.readInbound(), "framed after " + (i + 1) + " of " + startup.length + " bytes");
            }
        }
        StartupPacket packet = channel.readInbound();
        assertEquals(Map.of("user", "bob"), packet.parameters());
        assertFalse(channel.finish());
    }

    @Test
    void sslRequestIsAStartupPacketWithoutBodyAndTheStartupMessageMayFollowInTheSameRead() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrontendDecoder());
        byte[] ssl = ByteBuffer.allocate(8).putInt(8).putInt(StartupPacket.SSL_REQUEST).array();
        channel.writeInbound(buffer(concat(ssl, startupMessage("user", "postgres"))));
        StartupPacket request = channel.readInbound();
        assertEquals(StartupPacket.SSL_REQUEST, request.code());
        assertEquals(0, request.body().length);
        StartupPacket startup = channel.readInbound();
        assertEquals(196608, startup.code());
        assertFalse(channel.finish());
    }

    @Test
    void startupLengthBelowEightIsAProtocolViolation() {
        for (int length : new int[] {0, 4, 7, -1}) {
            EmbeddedChannel channel = new EmbeddedChannel(new FrontendDecoder());
            ProtocolViolation e = assertThrows(ProtocolViolation.class,
                    () -> channel.writeInbound(buffer(ByteBuffer.allocate(8).putInt(length).putInt(196608).array())));
            assertTrue(e.getMessage().startsWith("invalid length of startup packet"), e.getMessage());
            assertNull(channel.readInbound());
            assertFalse(channel.finish());
        }
    }

    @Test
    void startupLengthAboveTheLimitIsRefusedBeforeItsBodyArrives() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrontendDecoder());
        ProtocolViolation e = assertThrows(ProtocolViolation.class,
                () -> channel.writeInbound(buffer(ByteBuffer.allocate(4).putInt(FrontendDecoder.MAX_STARTUP_LENGTH + 1).array())));
        assertTrue(e.getMessage().contains("10001"), e.getMessage());
        assertFalse(channel.finish());
    }

    @Test
    void garbageInsteadOfAStartupPacketIsRefused() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrontendDecoder());
        byte[] http = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        ProtocolViolation e = assertThrows(ProtocolViolation.class, () -> channel.writeInbound(buffer(http)));
        assertTrue(e.getMessage().contains(Integer.toUnsignedString(ByteBuffer.wrap(http).getInt())), e.getMessage());
        assertFalse(channel.finish());
    }

    @Test
    void typedMessagesAreFramedWholeHeaderIncluded() {
        EmbeddedChannel channel = typedChannel();
        byte[] query = query("SELECT 1");
        byte[] sync = {'S', 0, 0, 0, 4};
        channel.writeInbound(buffer(concat(query, sync)));
        assertArrayEquals(query, channel.readInbound());
        assertArrayEquals(sync, channel.readInbound());
        assertNull(channel.readInbound());
        assertFalse(channel.finish());
    }

    @Test
    void typedMessagesFedOneByteAtATimeAreFramedOnceComplete() {
        EmbeddedChannel channel = typedChannel();
        byte[] all = concat(query("SELECT 42"), new byte[] {'H', 0, 0, 0, 4}, new byte[] {'S', 0, 0, 0, 4});
        List<byte[]> framed = new ArrayList<>();
        for (byte b : all) {
            channel.writeInbound(buffer(new byte[] {b}));
            for (Object message; (message = channel.readInbound()) != null; ) {
                framed.add((byte[]) message);
            }
        }
        assertEquals(3, framed.size());
        assertArrayEquals(query("SELECT 42"), framed.get(0));
        assertEquals('H', framed.get(1)[0]);
        assertEquals('S', framed.get(2)[0]);
        assertFalse(channel.finish());
    }

    @Test
    void everyFrontendMessageTypeIsAccepted() {
        assertEquals(0x3fff_fffe, FrontendDecoder.MAX_LENGTH); // PQ_LARGE_MESSAGE_LIMIT: MaxAllocSize - 1
        for (char type : "BCcdDEfFHpPQSX".toCharArray()) {
            EmbeddedChannel channel = typedChannel();
            byte[] message = {(byte) type, 0, 0, 0, 5, 0};
            channel.writeInbound(buffer(message));
            assertArrayEquals(message, channel.readInbound(), "type " + type);
            assertFalse(channel.finish());
        }
    }

    @Test
    void unknownTypeIsRefusedAsSoonAsItsFirstByteArrives() {
        for (int type : new int[] {'x', '?', 0, 0xff, 'q', 'Z'}) {
            EmbeddedChannel channel = typedChannel();
            ProtocolViolation e = assertThrows(ProtocolViolation.class, () -> channel.writeInbound(buffer(new byte[] {(byte) type})));
            assertTrue(e.getMessage().startsWith("invalid frontend message type " + type), e.getMessage());
            assertNull(channel.readInbound());
            assertFalse(channel.finish());
        }
    }

    @Test
    void lengthBelowFourIsAProtocolViolation() {
        for (int length : new int[] {0, 1, 3, -4}) {
            EmbeddedChannel channel = typedChannel();
            ProtocolViolation e = assertThrows(ProtocolViolation.class,
                    () -> channel.writeInbound(buffer(ByteBuffer.allocate(5).put((byte) 'Q').putInt(length).array())));
            assertTrue(e.getMessage().startsWith("invalid message length: " + Integer.toUnsignedString(length)), e.getMessage());
            assertFalse(channel.finish());
        }
    }

    @Test
    void twoGigabyteLengthIsRefusedWithoutWaitingForTheBody() {
        for (int length : new int[] {0x8000_0000, 0x7fff_ffff, FrontendDecoder.MAX_LENGTH + 1}) {
            EmbeddedChannel channel = typedChannel();
            ProtocolViolation e = assertThrows(ProtocolViolation.class,
                    () -> channel.writeInbound(buffer(ByteBuffer.allocate(5).put((byte) 'd').putInt(length).array())));
            assertTrue(e.getMessage().contains(Integer.toUnsignedString(length)), e.getMessage());
            assertFalse(channel.finish());
        }
    }

    @Test
    void largestLengthForALargeMessageIsWaitedFor() {
        EmbeddedChannel channel = typedChannel();
        channel.writeInbound(buffer(ByteBuffer.allocate(7).put((byte) 'Q').putInt(FrontendDecoder.MAX_LENGTH).put((byte) 'S').put((byte) 'E').array()));
        assertNull(channel.readInbound());
        assertFalse(channel.finish());
    }

    @Test
    void smallMessagesAreLimitedToTenThousandBytesAsThePostgresBackendDoes() {
        for (char type : "CcDEfHSX".toCharArray()) {
            EmbeddedChannel ok = typedChannel();
            byte[] largest = new byte[1 + FrontendDecoder.MAX_SMALL_LENGTH];
            largest[0] = (byte) type;
            ByteBuffer.wrap(largest).putInt(1, FrontendDecoder.MAX_SMALL_LENGTH);
            ok.writeInbound(buffer(largest));
            assertArrayEquals(largest, ok.readInbound(), "type " + type);
            assertFalse(ok.finish());

            EmbeddedChannel tooLong = typedChannel();
            ProtocolViolation e = assertThrows(ProtocolViolation.class, () -> tooLong.writeInbound(
                    buffer(ByteBuffer.allocate(5).put((byte) type).putInt(FrontendDecoder.MAX_SMALL_LENGTH + 1).array())));
            assertTrue(e.getMessage().contains("(expected: 4 to 10000) for message type '" + type + "'"), e.getMessage());
            assertFalse(tooLong.finish());
        }
    }

    @Test
    void largeMessagesAndPasswordMessagesHaveTheirOwnLimits() {
        for (char type : "QPBFd".toCharArray()) {
            EmbeddedChannel channel = typedChannel();
            channel.writeInbound(buffer(ByteBuffer.allocate(5).put((byte) type).putInt(FrontendDecoder.MAX_SMALL_LENGTH + 1).array()));
            assertNull(channel.readInbound()); // waits for the body
            assertFalse(channel.finish());
            EmbeddedChannel tooLong = typedChannel();
            assertThrows(ProtocolViolation.class, () -> tooLong.writeInbound(
                    buffer(ByteBuffer.allocate(5).put((byte) type).putInt(0x3fff_ffff).array())), "type " + type);
            assertFalse(tooLong.finish());
        }
        EmbeddedChannel password = typedChannel();
        assertThrows(ProtocolViolation.class, () -> password.writeInbound(
                buffer(ByteBuffer.allocate(5).put((byte) 'p').putInt(65_536).array())));
        assertFalse(password.finish());
    }

    @Test
    void aHandlerClosingTheConnectionStopsTheMessagesAlreadyReceivedBehindIt() {
        FrontendDecoder decoder = new FrontendDecoder();
        decoder.typedMessagesFollow();
        List<byte[]> delivered = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel(decoder, new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                delivered.add((byte[]) msg);
                if (((byte[]) msg)[0] == 'X') {
                    FrontendDecoder.discardTheRest(ctx);
                }
            }
        });
        channel.writeInbound(buffer(concat(query("SELECT 1"), new byte[] {'X', 0, 0, 0, 4}, query("SELECT 2"))));
        assertEquals(2, delivered.size());
        assertEquals('X', delivered.get(1)[0]);
        channel.writeInbound(buffer(query("SELECT 3")));
        assertEquals(2, delivered.size());
        assertFalse(channel.finish());
    }

    @Test
    void afterAViolationEverythingThatFollowsIsDiscarded() {
        EmbeddedChannel channel = typedChannel();
        byte[] sync = {'S', 0, 0, 0, 4};
        // a valid message, then an unknown type, then valid messages in the same read
        ByteBuf in = buffer(concat(query("SELECT 1"), new byte[] {'x', 0, 0, 0, 4}, sync, query("SELECT 2")));
        assertThrows(ProtocolViolation.class, () -> channel.writeInbound(in));
        assertArrayEquals(query("SELECT 1"), channel.readInbound());
        assertNull(channel.readInbound());
        assertEquals(0, in.refCnt());
        // and in later reads, however valid
        for (int i = 0; i < 3; i++) {
            ByteBuf later = buffer(concat(sync, query("SELECT 3")));
            channel.writeInbound(later);
            assertNull(channel.readInbound());
            assertEquals(0, later.refCnt());
        }
        assertFalse(channel.finish());
    }

    @Test
    void afterAStartupViolationTheRestIsDiscardedToo() {
        FrontendDecoder decoder = new FrontendDecoder();
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        assertThrows(ProtocolViolation.class, () -> channel.writeInbound(buffer(ByteBuffer.allocate(8).putInt(3).putInt(0).array())));
        channel.writeInbound(buffer(startupMessage("user", "postgres")));
        assertNull(channel.readInbound());
        decoder.typedMessagesFollow();
        channel.writeInbound(buffer(query("SELECT 1")));
        assertNull(channel.readInbound());
        assertFalse(channel.finish());
    }

    @Test
    void bytesReceivedWithTheStartupMessageAreKeptForTheTypedPhase() {
        FrontendDecoder decoder = new FrontendDecoder();
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        byte[] startup = startupMessage("user", "postgres");
        byte[] first = concat(startup, new byte[] {'Q', 0, 0});
        channel.writeInbound(buffer(first));
        assertEquals(196608, ((StartupPacket) channel.readInbound()).code());
        assertNull(channel.readInbound());
        decoder.typedMessagesFollow();
        byte[] query = query("SELECT 1");
        channel.writeInbound(buffer(java.util.Arrays.copyOfRange(query, 3, query.length)));
        assertArrayEquals(query, channel.readInbound());
        assertFalse(channel.finish());
    }

    @Test
    void aTruncatedMessageAtCloseProducesNothing() {
        EmbeddedChannel channel = typedChannel();
        byte[] query = query("SELECT 1");
        channel.writeInbound(buffer(java.util.Arrays.copyOf(query, query.length - 2)));
        assertNull(channel.readInbound());
        assertFalse(channel.finish());
    }

    private static EmbeddedChannel typedChannel() {
        FrontendDecoder decoder = new FrontendDecoder();
        decoder.typedMessagesFollow();
        return new EmbeddedChannel(decoder);
    }

    static ByteBuf buffer(byte[] bytes) {
        return Unpooled.copiedBuffer(bytes);
    }

    static byte[] startupMessage(String... parameters) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (String part : parameters) {
            body.writeBytes(part.getBytes(StandardCharsets.UTF_8));
            body.write(0);
        }
        body.write(0);
        byte[] fields = body.toByteArray();
        return ByteBuffer.allocate(8 + fields.length).putInt(8 + fields.length).putInt(196608).put(fields).array();
    }

    static byte[] query(String sql) {
        byte[] text = sql.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(6 + text.length).put((byte) 'Q').putInt(5 + text.length).put(text).put((byte) 0).array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
