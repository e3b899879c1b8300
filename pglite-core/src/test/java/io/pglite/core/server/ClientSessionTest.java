package io.pglite.core.server;

import static io.pglite.core.server.ProtocolRobustnessTest.concat;
import static io.pglite.core.server.ProtocolRobustnessTest.cstring;
import static io.pglite.core.server.ProtocolRobustnessTest.message;
import static io.pglite.core.server.ProtocolRobustnessTest.query;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a connection's turn hands the backend at once: never a message a COPY FROM STDIN could choke on. */
class ClientSessionTest {
    private static final byte[] SYNC = {'S', 0, 0, 0, 4};
    private static final byte[] COPY_DONE = {'c', 0, 0, 0, 4};
    private static final byte[] DATA = message('d', new byte[] {'1', '\n'});

    @Test
    void pipelinedStatementsThatCannotCopyAreDrainedTogether() {
        ClientSession session = session();
        byte[][] messages = {query("SELECT 1"), query("SELECT 2"), parse("SELECT $1"), bind(), execute(), bind(), execute(), SYNC};
        add(session, messages);
        assertArrayEquals(concat(messages), session.drain());
        assertFalse(session.hasPending());
    }

    @Test
    void aQueryThatMayCopyIsFollowedOnlyByCopyInput() {
        ClientSession session = session();
        add(session, query("COPY t FROM STDIN"), DATA, query("SELECT 1"));
        assertArrayEquals(concat(query("COPY t FROM STDIN"), DATA), session.drain());
        assertArrayEquals(query("SELECT 1"), session.drain());
    }

    @Test
    void copyDoneEndsWhatACopyMayBeFollowedBy() {
        ClientSession session = session();
        byte[][] messages = {query("copy t from stdin"), DATA, COPY_DONE, query("SELECT 1"), query("SELECT 2")};
        add(session, messages);
        assertArrayEquals(concat(messages), session.drain());
    }

    @Test
    void executeMayCopyOnceTheConnectionParsedACopy() {
        ClientSession session = session();
        add(session, parse("CoPy t FROM STDIN"), bind(), execute(), DATA, message('F', new byte[10]));
        assertArrayEquals(concat(parse("CoPy t FROM STDIN"), bind(), execute(), DATA), session.drain());
        assertArrayEquals(message('F', new byte[10]), session.drain());
        add(session, parse("SELECT 1"), bind(), execute(), bind(), execute(), SYNC);
        assertArrayEquals(concat(parse("SELECT 1"), bind(), execute()), session.drain());
        assertArrayEquals(concat(bind(), execute(), SYNC), session.drain());
    }

    @Test
    void copyInputIsHandedOverUpToTheEndOfTheCopyAndAnythingElseIsRefused() {
        ClientSession session = session();
        add(session, DATA, DATA, COPY_DONE, query("SELECT 1"));
        assertArrayEquals(concat(DATA, DATA, COPY_DONE), session.drainCopyInput());
        assertArrayEquals(query("SELECT 1"), session.drain());

        add(session, DATA, query("SELECT 1"), DATA);
        assertNull(session.drainCopyInput());
        assertTrue(session.hasPending());
        assertTrue(session.firstNonCopyInput() == 'Q');
    }

    private static ClientSession session() {
        return new ClientSession(1001, 7, new EmbeddedChannel(), "postgres", Map.of(), "test");
    }

    private static void add(ClientSession session, byte[]... messages) {
        synchronized (session) {
            for (byte[] message : messages) {
                session.add(message);
            }
        }
    }

    static byte[] parse(String sql) {
        return message('P', cstring(""), cstring(sql), new byte[] {0, 0});
    }

    static byte[] bind() {
        return message('B', cstring(""), cstring(""), new byte[] {0, 0, 0, 0, 0, 0});
    }

    static byte[] execute() {
        return message('E', cstring(""), new byte[] {0, 0, 0, 0});
    }
}
