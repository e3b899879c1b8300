package io.pglite.core.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Per-connection statement and portal names: every named one gets the prefix, the unnamed ones stay unnamed. */
class StatementNamesTest {
    private static final byte[] PREFIX = "c1001:".getBytes(StandardCharsets.US_ASCII);

    @Test
    void parsePrefixesTheStatementNameAndKeepsTheRest() {
        byte[] parse = message('P', cstring("S_1"), cstring("SELECT $1"), new byte[] {0, 1, 0, 0, 0, 23});
        byte[] rewritten = StatementNames.rewrite(parse, PREFIX);
        assertArrayEquals(message('P', cstring("c1001:S_1"), cstring("SELECT $1"), new byte[] {0, 1, 0, 0, 0, 23}), rewritten);
        assertEquals("c1001:S_1", StatementNames.statementName(rewritten));
    }

    @Test
    void bindPrefixesBothPortalAndStatement() {
        byte[] tail = {0, 0, 0, 1, 0, 0, 0, 1, '7', 0, 0};
        byte[] bind = message('B', cstring("P_1"), cstring("S_1"), tail);
        assertArrayEquals(message('B', cstring("c1001:P_1"), cstring("c1001:S_1"), tail), StatementNames.rewrite(bind, PREFIX));
    }

    @Test
    void bindOfTheUnnamedPortalPrefixesOnlyTheStatement() {
        byte[] tail = {0, 0, 0, 0, 0, 0};
        byte[] bind = message('B', cstring(""), cstring("S_2"), tail);
        assertArrayEquals(message('B', cstring(""), cstring("c1001:S_2"), tail), StatementNames.rewrite(bind, PREFIX));
        byte[] bindNamedPortal = message('B', cstring("P"), cstring(""), tail);
        assertArrayEquals(message('B', cstring("c1001:P"), cstring(""), tail), StatementNames.rewrite(bindNamedPortal, PREFIX));
    }

    @Test
    void executeDescribeAndClosePrefixTheirTarget() {
        byte[] execute = message('E', cstring("P_1"), new byte[] {0, 0, 0, 0});
        assertArrayEquals(message('E', cstring("c1001:P_1"), new byte[] {0, 0, 0, 0}), StatementNames.rewrite(execute, PREFIX));
        for (char kind : new char[] {'S', 'P'}) {
            for (char type : new char[] {'D', 'C'}) {
                byte[] rewritten = StatementNames.rewrite(message(type, new byte[] {(byte) kind}, cstring("X")), PREFIX);
                assertArrayEquals(message(type, new byte[] {(byte) kind}, cstring("c1001:X")), rewritten, type + " " + kind);
            }
        }
        assertEquals("c1001:X", StatementNames.statementName(message('C', new byte[] {'S'}, cstring("c1001:X"))));
        assertNull(StatementNames.statementName(message('C', new byte[] {'P'}, cstring("c1001:X"))));
    }

    @Test
    void unnamedStatementsAndPortalsAreLeftUntouched() {
        byte[][] unnamed = {
            message('P', cstring(""), cstring("SELECT 1"), new byte[] {0, 0}),
            message('B', cstring(""), cstring(""), new byte[] {0, 0, 0, 0, 0, 0}),
            message('E', cstring(""), new byte[] {0, 0, 0, 0}),
            message('D', new byte[] {'S'}, cstring("")),
            message('D', new byte[] {'P'}, cstring("")),
            message('C', new byte[] {'S'}, cstring("")),
        };
        for (byte[] message : unnamed) {
            assertSame(message, StatementNames.rewrite(message, PREFIX), "type " + (char) message[0]);
        }
        assertNull(StatementNames.statementName(unnamed[0]));
    }

    @Test
    void messagesWithoutNamesAreLeftUntouched() {
        for (byte[] message : new byte[][] {
            message('Q', cstring("SELECT 1")), {'S', 0, 0, 0, 4}, {'H', 0, 0, 0, 4}, message('d', new byte[] {1, 2, 3}),
            {'c', 0, 0, 0, 4}, message('f', cstring("no")), message('F', new byte[] {0, 0, 0, 1, 0, 0, 0, 0, 0, 0})}) {
            assertSame(message, StatementNames.rewrite(message, PREFIX), "type " + (char) message[0]);
        }
    }

    @Test
    void aNameWithoutItsTerminatingNulIsAProtocolViolation() {
        byte[][] unterminated = {
            message('P', "S_1".getBytes(StandardCharsets.US_ASCII)),
            message('P'),
            message('B', cstring("P_1"), "S_1".getBytes(StandardCharsets.US_ASCII)),
            message('B', "P_1".getBytes(StandardCharsets.US_ASCII)),
            message('E', "P_1".getBytes(StandardCharsets.US_ASCII)),
            message('D', new byte[] {'S', 'x'}),
            message('C', new byte[] {'P', 'x', 'y'}),
        };
        for (byte[] message : unterminated) {
            ProtocolViolation e = assertThrows(ProtocolViolation.class, () -> StatementNames.rewrite(message, PREFIX),
                    "type " + (char) message[0]);
            assertTrue(e.getMessage().contains("no terminating NUL"), e.getMessage());
        }
    }

    @Test
    void describeOrCloseWithABadSubtypeOrNoBodyIsAProtocolViolation() {
        ProtocolViolation subtype = assertThrows(ProtocolViolation.class,
                () -> StatementNames.rewrite(message('D', new byte[] {'X'}, cstring("S_1")), PREFIX));
        assertEquals("invalid DESCRIBE message subtype 88", subtype.getMessage());
        ProtocolViolation close = assertThrows(ProtocolViolation.class,
                () -> StatementNames.rewrite(message('C', new byte[] {0}, cstring("")), PREFIX));
        assertEquals("invalid CLOSE message subtype 0", close.getMessage());
        ProtocolViolation empty = assertThrows(ProtocolViolation.class, () -> StatementNames.rewrite(message('D'), PREFIX));
        assertTrue(empty.getMessage().contains("too short"), empty.getMessage());
        ProtocolViolation onlySubtype = assertThrows(ProtocolViolation.class,
                () -> StatementNames.rewrite(message('C', new byte[] {'S'}), PREFIX));
        assertTrue(onlySubtype.getMessage().contains("too short"), onlySubtype.getMessage());
    }

    @Test
    void theRewrittenLengthCountsThePrefixes() {
        byte[] bind = message('B', cstring("p"), cstring("s"), new byte[] {0, 0, 0, 0, 0, 0});
        byte[] rewritten = StatementNames.rewrite(bind, PREFIX);
        assertEquals(bind.length + 2 * PREFIX.length, rewritten.length);
        assertEquals(rewritten.length - 1, ByteBuffer.wrap(rewritten, 1, 4).getInt());
    }

    private static byte[] message(char type, byte[]... parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            body.writeBytes(part);
        }
        byte[] bytes = body.toByteArray();
        return ByteBuffer.allocate(5 + bytes.length).put((byte) type).putInt(4 + bytes.length).put(bytes).array();
    }

    private static byte[] cstring(String value) {
        byte[] text = value.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(text.length + 1).put(text).put((byte) 0).array();
    }
}
