package io.pglite.core.server;

import static io.pglite.core.server.ClientSessionTest.bind;
import static io.pglite.core.server.ClientSessionTest.execute;
import static io.pglite.core.server.ClientSessionTest.parse;
import static io.pglite.core.server.ProtocolRobustnessTest.concat;
import static io.pglite.core.server.ProtocolRobustnessTest.cstring;
import static io.pglite.core.server.ProtocolRobustnessTest.message;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.embedded.EmbeddedChannel;
import io.pglite.core.engine.Engine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When what a client sends reaches the backend: a read's messages together, once the read is over. */
class SessionHandlerTest {
    private static final byte[] SYNC = {'S', 0, 0, 0, 4};

    /** What each turn would hand the backend, taken when the turn is queued for the engine thread. */
    private final List<byte[]> turns = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final ClientSession session = new ClientSession(1001, 7, channel, "postgres", null, "test");

    SessionHandlerTest() {
        Backend backend = new Backend() {
            @Override
            public String name() {
                return "test";
            }

            @Override
            public void execute(Runnable task) {
                ClientSession queued = ((Turn) task).session;
                synchronized (queued) {
                    turns.add(queued.drain());
                    queued.turn = null;
                }
            }

            @Override
            public Engine engine() {
                throw new AssertionError("no turn runs in this test");
            }

            @Override
            public RuntimeException failed(Throwable cause) {
                throw new AssertionError(cause);
            }
        };
        ServerSettings settings = new ServerSettings("127.0.0.1", 0, "postgres", null, "postgres", Duration.ZERO);
        channel.pipeline().addLast(new SessionHandler(new BackendMultiplexer(backend, settings), session));
    }

    @Test
    void aStatementSentInOneReadReachesTheBackendAsOneInput() {
        byte[] describe = message('D', new byte[] {'P'}, cstring(""));
        byte[][] statement = {parse("SELECT 1"), bind(), describe, execute(), SYNC};
        channel.writeInbound((Object[]) statement); // one read: a channelRead per message, then channelReadComplete
        assertEquals(1, turns.size(), "one turn for the whole read");
        assertArrayEquals(concat(statement), turns.get(0));
    }

    @Test
    void nothingIsQueuedForTheBackendBeforeTheReadIsOver() {
        channel.pipeline().fireChannelRead(parse("SELECT 1"));
        channel.pipeline().fireChannelRead(bind());
        assertEquals(0, turns.size());
        channel.pipeline().fireChannelReadComplete();
        assertEquals(1, turns.size());
        assertArrayEquals(concat(parse("SELECT 1"), bind()), turns.get(0));
        channel.pipeline().fireChannelReadComplete(); // a read that brought nothing
        assertEquals(1, turns.size());
    }

    @Test
    void eachReadIsItsOwnInput() {
        channel.writeInbound((Object) parse("SELECT 1"));
        channel.writeInbound(bind(), execute(), SYNC);
        assertEquals(2, turns.size());
        assertArrayEquals(concat(bind(), execute(), SYNC), turns.get(1));
    }
}
