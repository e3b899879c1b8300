package io.pglite.core.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.util.ResourceLeakDetector;
import io.pglite.core.Pglite;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input over real sockets: whatever one client sends, that client alone gets an ErrorResponse
 * (where the protocol allows one) and is disconnected; the backend, the instance and every other
 * connection carry on.
 */
class ProtocolRobustnessTest {
    private static final int PROTOCOL_3 = 196608;
    private static final byte[] SYNC = {'S', 0, 0, 0, 4};
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
    private static final Handler LEAK_RECORDER = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getMessage() != null && record.getMessage().contains("LEAK")) {
                LEAKS.add(record.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private static ResourceLeakDetector.Level leakLevel;
    private static Pglite pg;
    /** A connection opened before each test's bad input; it must keep working. */
    private Connection before;

    @BeforeAll
    static void startInstance() throws SQLException {
        leakLevel = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        Logger.getLogger(ResourceLeakDetector.class.getName()).addHandler(LEAK_RECORDER);
        pg = Pglite.builder().withConnectionWaitTimeout(Duration.ofSeconds(10)).start();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE robust_tx (id int)");
            s.execute("CREATE TABLE fuzz_target (id int, note text)");
        }
    }

    @AfterAll
    static void closeInstance() throws InterruptedException {
        pg.close();
        collectLeaks();
        Logger.getLogger(ResourceLeakDetector.class.getName()).removeHandler(LEAK_RECORDER);
        ResourceLeakDetector.setLevel(leakLevel);
        assertEquals(List.of(), LEAKS, "Netty buffers leaked");
    }

    @BeforeEach
    void openConnectionBefore() throws SQLException {
        before = connect();
        assertEquals(1, scalar(before, "SELECT 1"));
    }

    @AfterEach
    void closeConnectionBefore() throws SQLException {
        before.close();
    }

    @Test
    void garbageInsteadOfAStartupPacketGets08P01AndIsDisconnected() throws Exception {
        try (RawClient client = new RawClient()) {
            client.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            client.expectFatalAndClose("08P01");
        }
        assertUnaffected();
    }

    @Test
    void truncatedStartupPacketThenCloseLeavesNothingBehind() throws Exception {
        try (RawClient client = new RawClient()) {
            client.send(Arrays.copyOf(startupMessage(), 11));
        }
        assertUnaffected();
    }

    @Test
    void twoGigabyteMessageLengthAfterStartupGets08P01() throws Exception {
        try (RawClient client = RawClient.started()) {
            client.send(ByteBuffer.allocate(5).put((byte) 'Q').putInt(0x8000_0000).array());
            client.expectFatalAndClose("08P01");
        }
        assertUnaffected();
    }

    @Test
    void unknownMessageTypeAfterStartupGets08P01() throws Exception {
        try (RawClient client = RawClient.started()) {
            client.send(new byte[] {'x', 0, 0, 0, 4});
            ServerErrorFields error = client.expectFatalAndClose("08P01");
            assertTrue(error.message.contains("invalid frontend message type 120"), error.message);
        }
        assertUnaffected();
    }

    @Test
    void protocolVersionTwoGetsFatal0A000() throws Exception {
        try (RawClient client = new RawClient()) {
            client.send(startupMessage(0x0002_0000, "user", "postgres", "database", "postgres"));
            ServerErrorFields error = client.expectFatalAndClose("0A000");
            assertTrue(error.message.contains("unsupported frontend protocol 2.0"), error.message);
        }
        assertUnaffected();
    }

    @Test
    void sslAndGssEncryptionRequestsAreRefusedWithNAndTheStartupThenWorks() throws Exception {
        for (int code : new int[] {StartupPacket.SSL_REQUEST, StartupPacket.GSSENC_REQUEST}) {
            try (RawClient client = new RawClient()) {
                client.send(ByteBuffer.allocate(8).putInt(8).putInt(code).array());
                assertEquals('N', client.in.read());
                client.send(startupMessage());
                client.readUntilReady();
                client.send(query("SELECT 40 + 2"));
                List<Message> answer = client.readUntilReady();
                assertEquals("42", answer.stream().filter(m -> m.type == 'D').findFirst().orElseThrow().firstColumn());
                client.send(new byte[] {'X', 0, 0, 0, 4});
                client.expectClosed();
            }
        }
        assertUnaffected();
    }

    @Test
    void passwordMessageAfterAuthenticationGets08P01() throws Exception {
        try (RawClient client = RawClient.started()) {
            client.send(message('p', cstring("secret")));
            ServerErrorFields error = client.expectFatalAndClose("08P01");
            assertTrue(error.message.contains("password message"), error.message);
        }
        assertUnaffected();
    }

    @Test
    void clientDisconnectingInTheMiddleOfAMessageLeavesNothingBehind() throws Exception {
        try (RawClient client = RawClient.started()) {
            // an open extended-protocol batch (it holds the backend), then half a message
            client.send(message('P', cstring("half"), cstring("SELECT 1"), new byte[] {0, 0}),
                    message('B', cstring(""), cstring("half"), new byte[] {0, 0, 0, 0, 0, 0}));
            byte[] query = query("INSERT INTO robust_tx VALUES (99)");
            client.send(Arrays.copyOf(query, query.length / 2));
            client.abort();
        }
        assertUnaffected();
        assertEquals(0L, scalar(before, "SELECT count(*) FROM robust_tx WHERE id = 99"));
    }

    @Test
    void clientDisconnectingInTheMiddleOfATransactionIsRolledBackAndBlocksNobody() throws Exception {
        try (RawClient client = RawClient.started()) {
            client.send(query("BEGIN"));
            assertEquals('T', client.readStatus());
            client.send(query("INSERT INTO robust_tx VALUES (7)"));
            assertEquals('T', client.readStatus());
            client.abort();
        }
        long start = System.nanoTime();
        assertEquals(0L, scalar(before, "SELECT count(*) FROM robust_tx WHERE id = 7"));
        try (Connection other = connect()) {
            other.setAutoCommit(false);
            try (Statement s = other.createStatement()) {
                s.execute("INSERT INTO robust_tx VALUES (8)");
            }
            other.rollback();
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 5_000, "others waited " + millis + " ms for the departed connection's transaction");
        assertUnaffected();
    }

    @Test
    void oversizedSyncGets08P01AndTheBackendSurvives() throws Exception {
        try (RawClient client = RawClient.started()) {
            // PostgreSQL allows 10,000 bytes for Sync and the other small messages; past that it exits
            client.send(message('S', new byte[20_000]));
            client.expectFatalAndClose("08P01");
        }
        assertUnaffected();
    }

    @Test
    void oversizedDescribeExecuteAndCloseGet08P01AndTheBackendSurvives() throws Exception {
        for (char type : new char[] {'D', 'E', 'C', 'H', 'c', 'f'}) {
            try (RawClient client = RawClient.started()) {
                byte[] body = new byte[12_000];
                Arrays.fill(body, (byte) 'S');
                body[body.length - 1] = 0;
                client.send(message(type, body));
                client.expectFatalAndClose("08P01");
            }
            assertFalse(pg.isFailed(), "after an oversized " + type);
        }
        assertUnaffected();
    }

    /**
     * Flush is an extended-protocol message: after an error in one the backend skips everything up to
     * the next Sync, which must come from that connection (or from the server when it leaves), not
     * swallow another connection's statements. Found by the fuzz test: a Query whose type became 'H'.
     */
    @Test
    void flushWithABodyGetsAnErrorAndItsSkipToSyncStaysWithItsConnection() throws Exception {
        try (RawClient client = RawClient.started()) {
            client.send(message('H', new byte[] {0}));
            assertEquals("08P01", ServerErrorFields.parse(client.read().body()).code());
            CompletableFuture<Long> other = CompletableFuture.supplyAsync(() -> {
                try {
                    return scalar(before, "SELECT 1");
                } catch (SQLException e) {
                    throw new CompletionException(e);
                }
            });
            Thread.sleep(200); // the other connection's turn would come now, while the backend skips
            client.send(query("SELECT 2"), SYNC);
            assertEquals("Z", types(client.readUntilReady()), "skipped up to the Sync");
            assertEquals(1L, other.get(10, TimeUnit.SECONDS));
        }
        try (RawClient client = RawClient.started()) {
            client.send(message('H', new byte[] {0}));
            assertEquals('E', client.read().type());
            client.abort(); // before its Sync
        }
        assertUnaffected();
    }

    @Test
    void queryDuringCopyFromStdinGets08P01AndTheBackendSurvives() throws Exception {
        try (RawClient client = RawClient.started()) {
            client.send(query("COPY robust_tx FROM STDIN"));
            assertEquals('G', client.read().type);
            client.send(message('d', "5\n".getBytes(StandardCharsets.US_ASCII)),
                    query("SELECT 1"));
            client.expectFatalAndClose("08P01");
        }
        assertUnaffected();
        assertEquals(0L, scalar(before, "SELECT count(*) FROM robust_tx WHERE id = 5"));
    }

    @Test
    void messagesPipelinedBehindACopyThatCannotBeCopyInputGet08P01AndTheBackendSurvives() throws Exception {
        byte[] copyData = message('d', "6\n".getBytes(StandardCharsets.US_ASCII));
        byte[][][] pipelines = {
            {query("COPY robust_tx FROM STDIN"), copyData, query("SELECT 1")},
            {query("COPY robust_tx FROM STDIN"), copyData, message('P', cstring(""), cstring("SELECT 1"), new byte[] {0, 0})},
            {message('P', cstring(""), cstring("COPY robust_tx FROM STDIN"), new byte[] {0, 0}),
                message('B', cstring(""), cstring(""), new byte[] {0, 0, 0, 0, 0, 0}),
                message('E', cstring(""), new byte[] {0, 0, 0, 0}), copyData, message('F', new byte[10])},
        };
        for (byte[][] pipeline : pipelines) {
            try (RawClient client = RawClient.started()) {
                client.send(pipeline);
                client.expectFatalAndClose("08P01");
            }
            assertFalse(pg.isFailed());
        }
        assertUnaffected();
        assertEquals(0L, scalar(before, "SELECT count(*) FROM robust_tx WHERE id = 6"));
    }

    @Test
    void aCompleteCopyPipelinedWithTheQueriesAroundItWorks() throws Exception {
        try (RawClient client = RawClient.started()) {
            client.send(query("BEGIN"), query("COPY robust_tx FROM STDIN"), message('d', "31\n32\n".getBytes(StandardCharsets.US_ASCII)),
                    new byte[] {'c', 0, 0, 0, 4}, query("SELECT count(*) FROM robust_tx WHERE id IN (31, 32)"), query("ROLLBACK"));
            assertEquals('T', client.readStatus());
            List<Message> copy = client.readUntilReady();
            assertEquals("GCZ", types(copy));
            List<Message> select = client.readUntilReady();
            assertEquals("2", select.stream().filter(m -> m.type == 'D').findFirst().orElseThrow().firstColumn());
            assertEquals('I', client.readStatus());
        }
        assertUnaffected();
    }

    @Test
    void messagesAfterAViolationInTheSameReadAreNotExecuted() throws Exception {
        try (RawClient client = RawClient.started()) {
            client.send(message('D', new byte[] {'X'}, cstring("nope")), query("INSERT INTO robust_tx VALUES (66)"));
            client.expectFatalAndClose("08P01");
        }
        try (RawClient client = RawClient.started()) {
            client.send(message('p', cstring("pw")), query("INSERT INTO robust_tx VALUES (66)"));
            client.expectFatalAndClose("08P01");
        }
        try (RawClient client = RawClient.started()) {
            client.send(new byte[] {'X', 0, 0, 0, 4}, query("INSERT INTO robust_tx VALUES (66)"));
            client.expectClosed();
        }
        assertUnaffected();
        assertEquals(0L, scalar(before, "SELECT count(*) FROM robust_tx WHERE id = 66"));
    }

    @Test
    void aConnectionThatLeftWhileWaitingForItsFirstTurnIsForgottenWhenTheWaitTimesOut() throws Exception {
        try (Pglite impatient = Pglite.builder().withConnectionWaitTimeout(Duration.ofMillis(300)).start();
                Connection holder = DriverManager.getConnection(impatient.jdbcUrl(), "postgres", "")) {
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.execute("SELECT 1"); // in a transaction: holds the backend
            }
            for (int i = 0; i < 3; i++) {
                try (Socket socket = new Socket(impatient.host(), impatient.port())) {
                    socket.getOutputStream().write(startupMessage());
                }
            }
            Thread.sleep(600); // their turns are abandoned
            holder.commit();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (impatient.connections() != 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(1, impatient.connections(), "connections counted after three left before their start");
            assertTrue(impatient.isHealthy());
        }
    }

    @Test
    void cancelRequestWithAnUnknownKeyIsClosedWithoutAnswer() throws Exception {
        try (RawClient client = new RawClient()) {
            client.send(ByteBuffer.allocate(16).putInt(16).putInt(StartupPacket.CANCEL_REQUEST).putInt(1234).putInt(42).array(),
                    startupMessage());
            client.expectClosed();
        }
        try (RawClient client = new RawClient()) {
            client.send(ByteBuffer.allocate(8).putInt(8).putInt(StartupPacket.CANCEL_REQUEST).array());
            client.expectClosed();
        }
        assertUnaffected();
    }

    @Test
    void malformedAuthenticationMessagesGet28P01Or08P01AndTheServerCarriesOn() throws Exception {
        try (Pglite secured = Pglite.builder().withCredentials("app", "s3cret").start();
                Connection good = DriverManager.getConnection(secured.jdbcUrl(), "app", "s3cret")) {
            byte[][] attempts = {
                message('p', cstring("SCRAM-SHA-1"), ByteBuffer.allocate(4).putInt(3).array(), "n,,".getBytes(StandardCharsets.US_ASCII)),
                message('p', cstring("SCRAM-SHA-256"), ByteBuffer.allocate(4).putInt(1000).array(), "n,,".getBytes(StandardCharsets.US_ASCII)),
                message('p', cstring("SCRAM-SHA-256"), ByteBuffer.allocate(4).putInt(-1).array()),
                message('p', cstring("SCRAM-SHA-256")),
                message('p', cstring("SCRAM-SHA-256"), ByteBuffer.allocate(4).putInt(6).array(), "x,,n=x".getBytes(StandardCharsets.US_ASCII)),
                message('p', cstring("SCRAM-SHA-256"), ByteBuffer.allocate(4).putInt(5).array(), "n,,x=".getBytes(StandardCharsets.US_ASCII)),
                message('p'),
                query("SELECT 1"),
            };
            for (byte[] attempt : attempts) {
                try (Socket socket = new Socket(secured.host(), secured.port())) {
                    socket.setSoTimeout(10_000);
                    DataInputStream in = new DataInputStream(socket.getInputStream());
                    socket.getOutputStream().write(startupMessage(PROTOCOL_3, "user", "app", "database", "postgres"));
                    assertEquals('R', in.read()); // AuthenticationSASL
                    in.readFully(new byte[in.readInt() - 4]);
                    socket.getOutputStream().write(attempt);
                    assertEquals('E', in.read());
                    byte[] body = new byte[in.readInt() - 4];
                    in.readFully(body);
                    ServerErrorFields error = ServerErrorFields.parse(body);
                    assertTrue(error.code.equals("28P01") || error.code.equals("08P01"), error.code + " " + error.message);
                    assertEquals(-1, in.read());
                }
            }
            // a proper client-first-message, then a garbage client-final-message
            try (Socket socket = new Socket(secured.host(), secured.port())) {
                socket.setSoTimeout(10_000);
                DataInputStream in = new DataInputStream(socket.getInputStream());
                socket.getOutputStream().write(startupMessage(PROTOCOL_3, "user", "app", "database", "postgres"));
                assertEquals('R', in.read());
                in.readFully(new byte[in.readInt() - 4]);
                byte[] first = "n,,n=,r=abcdefghijkl".getBytes(StandardCharsets.US_ASCII);
                socket.getOutputStream().write(message('p', cstring("SCRAM-SHA-256"), ByteBuffer.allocate(4).putInt(first.length).array(), first));
                assertEquals('R', in.read()); // AuthenticationSASLContinue
                in.readFully(new byte[in.readInt() - 4]);
                socket.getOutputStream().write(message('p', "c=biws,r=abcdefghijkl,p=!!!not base64".getBytes(StandardCharsets.US_ASCII)));
                assertEquals('E', in.read());
                byte[] body = new byte[in.readInt() - 4];
                in.readFully(body);
                assertEquals("28P01", ServerErrorFields.parse(body).code);
            }
            assertEquals(1, scalar(good, "SELECT 1"), "the connection that authenticated before");
            try (Connection after = DriverManager.getConnection(secured.jdbcUrl(), "app", "s3cret")) {
                assertEquals(2, scalar(after, "SELECT 2"));
            }
            assertTrue(secured.isHealthy());
        }
    }

    @Test
    void startingAndEndingConnectionsLeaksNoBuffers() throws Exception {
        for (int i = 0; i < 20; i++) {
            try (RawClient client = RawClient.started()) {
                client.send(query("SELECT 1"));
                client.readUntilReady();
            }
        }
        assertUnaffected();
        collectLeaks();
        assertEquals(List.of(), LEAKS, "Netty buffers leaked");
    }

    /**
     * Random bytes and mutated valid conversations from a few hundred connections, a few at a time;
     * then a normal client must get correct results. Seed: {@code -Dpglite.fuzz.seed=...};
     * connections: {@code -Dpglite.fuzz.connections=...}.
     */
    @Test
    void fuzzedInputFromHundredsOfConnectionsLeavesTheServerCorrect() throws Exception {
        long seed = Long.getLong("pglite.fuzz.seed", System.nanoTime());
        int connections = Integer.getInteger("pglite.fuzz.connections", 300);
        System.out.println("ProtocolRobustnessTest fuzz: seed " + seed + ", " + connections
                + " connections (repeat with -Dpglite.fuzz.seed=" + seed + ")");
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger errorsSeen = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger closedByServer = new java.util.concurrent.atomic.AtomicInteger();
        List<String> failures = new CopyOnWriteArrayList<>();
        Runnable worker = () -> {
            for (int i; (i = next.getAndIncrement()) < connections && failures.isEmpty(); ) {
                Random random = new Random(seed * 1_000_003 + i);
                byte[] input = Fuzz.input(random);
                try {
                    Fuzz.Outcome outcome = Fuzz.throwAt(pg.host(), pg.port(), input, random.nextInt(4) == 0);
                    if (outcome.sawError()) {
                        errorsSeen.incrementAndGet();
                    }
                    if (outcome.closedByServer()) {
                        closedByServer.incrementAndGet();
                    }
                } catch (IOException e) {
                    failures.add("connection " + i + ": " + e);
                }
                if (pg.isFailed()) {
                    failures.add("connection " + i + " (seed " + seed + ") failed the instance with input "
                            + HexFormat.of().formatHex(input));
                }
            }
        };
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            Thread t = new Thread(worker, "fuzz-" + w);
            t.start();
            workers.add(t);
        }
        for (Thread t : workers) {
            t.join(60_000);
            assertFalse(t.isAlive(), "fuzz worker hangs");
        }
        System.out.println("ProtocolRobustnessTest fuzz: " + errorsSeen + " connections got an ErrorResponse, "
                + closedByServer + " were closed by the server");
        assertEquals(List.of(), failures);

        assertUnaffected();
        try (Connection c = connect()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE after_fuzz (id int PRIMARY KEY, name text)");
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO after_fuzz VALUES (?, ?)")) {
                for (int i = 1; i <= 10; i++) {
                    insert.setInt(1, i);
                    insert.setString(2, "row " + i);
                    insert.addBatch();
                }
                assertEquals(10, insert.executeBatch().length);
            }
            c.setAutoCommit(false);
            try (PreparedStatement update = c.prepareStatement("UPDATE after_fuzz SET name = ? WHERE id = ?")) {
                update.setString(1, "changed");
                update.setInt(2, 3);
                assertEquals(1, update.executeUpdate());
            }
            c.commit();
            c.setAutoCommit(true);
            for (int round = 0; round < 3; round++) {
                try (PreparedStatement select = c.prepareStatement("SELECT name FROM after_fuzz WHERE id = ?")) {
                    select.setInt(1, 3);
                    try (ResultSet rs = select.executeQuery()) {
                        assertTrue(rs.next());
                        assertEquals("changed", rs.getString(1));
                    }
                }
            }
            assertEquals(55L, scalar(c, "SELECT sum(id) FROM after_fuzz"));
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE after_fuzz");
            }
        }
        assertTrue(pg.isHealthy());
    }

    /** Inputs for the fuzz test: random bytes, or valid conversations with a few bytes broken. */
    static final class Fuzz {
        private static final byte[] TYPES = "BCcdDEfFHPQSX".getBytes(StandardCharsets.US_ASCII);

        record Outcome(boolean sawError, boolean closedByServer) {
        }

        static byte[] input(Random random) {
            int kind = random.nextInt(10);
            if (kind == 0) {
                byte[] garbage = new byte[1 + random.nextInt(300)];
                random.nextBytes(garbage);
                return garbage;
            }
            List<byte[]> messages = conversation(random);
            if (kind == 1) { // a broken startup packet, then a valid conversation
                messages.add(0, mutate(random, startupMessage(), List.of(0)));
                return concat(messages.toArray(new byte[0][]));
            }
            List<Integer> starts = new ArrayList<>();
            int position = 0;
            for (byte[] m : messages) {
                starts.add(position);
                position += m.length;
            }
            byte[] startup = startupMessage();
            return concat(startup, mutate(random, concat(messages.toArray(new byte[0][])), starts));
        }

        /** A random valid conversation after the startup packet. */
        private static List<byte[]> conversation(Random random) {
            List<byte[]> messages = new ArrayList<>();
            int units = 1 + random.nextInt(5);
            for (int u = 0; u < units; u++) {
                switch (random.nextInt(8)) {
                    case 0 -> messages.add(query("SELECT 1"));
                    case 1 -> {
                        messages.add(query("BEGIN"));
                        messages.add(query("INSERT INTO fuzz_target VALUES (1, 'in a transaction')"));
                    }
                    case 2 -> {
                        messages.add(message('P', cstring("f1"), cstring("SELECT $1::int + 1"), new byte[] {0, 1, 0, 0, 0, 23}));
                        messages.add(message('B', cstring(""), cstring("f1"), new byte[] {0, 0, 0, 1, 0, 0, 0, 2, '4', '1', 0, 0}));
                        messages.add(message('D', new byte[] {'P'}, cstring("")));
                        messages.add(message('E', cstring(""), new byte[] {0, 0, 0, 0}));
                        messages.add(SYNC);
                    }
                    case 3 -> {
                        messages.add(query("COPY fuzz_target FROM STDIN"));
                        messages.add(message('d', "2\tcopied\n".getBytes(StandardCharsets.US_ASCII)));
                        messages.add(new byte[] {'c', 0, 0, 0, 4});
                    }
                    case 4 -> {
                        messages.add(message('P', cstring("f2"), cstring("INSERT INTO fuzz_target VALUES ($1, 'p')"), new byte[] {0, 0}));
                        messages.add(message('B', cstring("portal"), cstring("f2"), new byte[] {0, 0, 0, 1, 0, 0, 0, 1, '3', 0, 0}));
                        messages.add(message('E', cstring("portal"), new byte[] {0, 0, 0, 0}));
                        messages.add(message('C', new byte[] {'S'}, cstring("f2")));
                        messages.add(new byte[] {'H', 0, 0, 0, 4});
                        messages.add(SYNC);
                    }
                    case 5 -> messages.add(message('F', new byte[] {0, 0, 0, (byte) 177, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0}));
                    case 6 -> messages.add(query("SELECT repeat('x', 100000)"));
                    default -> messages.add(query("COMMIT"));
                }
            }
            if (random.nextInt(4) == 0) {
                messages.add(new byte[] {'X', 0, 0, 0, 4});
            }
            return messages;
        }

        /** One to four random mutations of {@code bytes}, whose messages start at {@code starts}. */
        private static byte[] mutate(Random random, byte[] bytes, List<Integer> starts) {
            byte[] out = bytes;
            int mutations = 1 + random.nextInt(4);
            for (int m = 0; m < mutations && out.length > 0; m++) {
                int at = random.nextInt(out.length);
                int start = Math.min(starts.get(random.nextInt(starts.size())), out.length - 1);
                switch (random.nextInt(7)) {
                    case 0 -> out[at] ^= (byte) (1 << random.nextInt(8));
                    case 1 -> {
                        byte[] inserted = new byte[1 + random.nextInt(8)];
                        random.nextBytes(inserted);
                        out = concat(Arrays.copyOf(out, at), inserted, Arrays.copyOfRange(out, at, out.length));
                    }
                    case 2 -> out = concat(Arrays.copyOf(out, at), Arrays.copyOfRange(out, Math.min(out.length, at + 1 + random.nextInt(8)), out.length));
                    case 3 -> out = Arrays.copyOf(out, at);
                    case 4 -> { // a corrupt length: small, huge, or off by a little
                        if (start + 5 <= out.length) {
                            int length = ByteBuffer.wrap(out, start + 1, 4).getInt();
                            int corrupt = switch (random.nextInt(4)) {
                                case 0 -> random.nextInt(8);
                                case 1 -> random.nextInt();
                                case 2 -> length + random.nextInt(9) - 4;
                                default -> 10_000 + random.nextInt(3);
                            };
                            ByteBuffer.wrap(out).putInt(start + 1, corrupt);
                        }
                    }
                    case 5 -> out[start] = random.nextInt(5) == 0 ? (byte) random.nextInt(256) : TYPES[random.nextInt(TYPES.length)];
                    default -> out[at] = (byte) random.nextInt(256);
                }
            }
            return out;
        }

        /** Sends {@code input}, reads what comes back for a short while, and closes (or resets). */
        static Outcome throwAt(String host, int port, byte[] input, boolean reset) throws IOException {
            boolean sawError = false;
            boolean closedByServer = false;
            try (Socket socket = new Socket(host, port)) {
                socket.setSoTimeout(40);
                try {
                    socket.getOutputStream().write(input);
                    socket.getOutputStream().flush();
                    byte[] buffer = new byte[65536];
                    long deadline = System.nanoTime() + 2_000_000_000L;
                    while (System.nanoTime() < deadline) {
                        int n = socket.getInputStream().read(buffer);
                        if (n < 0) {
                            closedByServer = true;
                            break;
                        }
                        for (int i = 0; i < n; i++) {
                            sawError |= buffer[i] == 'E';
                        }
                    }
                } catch (SocketTimeoutException e) {
                    // the server waits for more: fine
                } catch (SocketException e) {
                    closedByServer = true; // reset by the server after refusing the input
                }
                if (reset) {
                    socket.setSoLinger(true, 0);
                }
            }
            return new Outcome(sawError, closedByServer);
        }
    }

    // ---------------------------------------------------------------------------------------------

    private static String types(List<Message> messages) {
        return RawClient.types(messages);
    }

    /** Leaks are reported when an allocation finds a buffer collected without release: collect, then allocate. */
    private static void collectLeaks() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            io.netty.buffer.ByteBufAllocator.DEFAULT.buffer(64).release();
            io.netty.buffer.ByteBufAllocator.DEFAULT.directBuffer(64).release();
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl() + "?prepareThreshold=1", "postgres", "");
    }

    private static long scalar(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getLong(1);
        }
    }

    /** The connection opened before, a new one, and the instance itself all still work; nothing was left behind. */
    private void assertUnaffected() throws Exception {
        assertEquals(1, scalar(before, "SELECT 1"), "the connection opened before the bad input");
        try (PreparedStatement ps = before.prepareStatement("SELECT ?::int * 2")) {
            ps.setInt(1, 21);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertEquals(42, rs.getInt(1));
            }
        }
        try (Connection fresh = connect()) {
            assertEquals(2, scalar(fresh, "SELECT 2"), "a connection opened after the bad input");
        }
        assertTrue(pg.isHealthy());
        assertFalse(pg.isFailed());
        awaitConnections(1); // the one opened before: every other is closed by now, or soon
    }

    private static void awaitConnections(int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (pg.connections() != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(expected, pg.connections(), "connections open after the bad ones are gone");
    }

    static byte[] startupMessage() {
        return startupMessage(PROTOCOL_3, "user", "postgres", "database", "postgres");
    }

    static byte[] startupMessage(int code, String... parameters) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (String part : parameters) {
            body.writeBytes(cstring(part));
        }
        body.write(0);
        byte[] fields = body.toByteArray();
        return ByteBuffer.allocate(8 + fields.length).putInt(8 + fields.length).putInt(code).put(fields).array();
    }

    static byte[] query(String sql) {
        return message('Q', cstring(sql));
    }

    static byte[] message(char type, byte[]... parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            body.writeBytes(part);
        }
        byte[] bytes = body.toByteArray();
        return ByteBuffer.allocate(5 + bytes.length).put((byte) type).putInt(4 + bytes.length).put(bytes).array();
    }

    static byte[] cstring(String value) {
        byte[] text = value.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(text, text.length + 1);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** One backend message. */
    record Message(char type, byte[] body) {
        String firstColumn() {
            ByteBuffer b = ByteBuffer.wrap(body);
            b.getShort();
            int length = b.getInt();
            return new String(body, 6, length, StandardCharsets.UTF_8);
        }
    }

    record ServerErrorFields(String severity, String code, String message) {
        static ServerErrorFields parse(byte[] body) {
            String severity = null;
            String code = null;
            String message = null;
            int position = 0;
            while (position < body.length && body[position] != 0) {
                char field = (char) body[position++];
                int end = position;
                while (body[end] != 0) {
                    end++;
                }
                String value = new String(body, position, end - position, StandardCharsets.UTF_8);
                switch (field) {
                    case 'V': severity = value; break;
                    case 'C': code = value; break;
                    case 'M': message = value; break;
                    default: break;
                }
                position = end + 1;
            }
            return new ServerErrorFields(severity, code, message);
        }
    }

    /** A client speaking raw protocol bytes. */
    static final class RawClient implements AutoCloseable {
        final Socket socket;
        final DataInputStream in;
        final OutputStream out;

        RawClient() throws IOException {
            socket = new Socket(pg.host(), pg.port());
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);
            in = new DataInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        static RawClient started() throws IOException {
            RawClient client = new RawClient();
            client.send(startupMessage());
            List<Message> answer = client.readUntilReady();
            assertEquals('R', answer.get(0).type);
            return client;
        }

        void send(byte[]... parts) throws IOException {
            out.write(concat(parts));
            out.flush();
        }

        /** The next message; null at the end of the stream. */
        Message read() throws IOException {
            int type = in.read();
            if (type < 0) {
                return null;
            }
            int length = in.readInt();
            assertTrue(length >= 4 && length < 1 << 24, "backend message length " + length);
            byte[] body = new byte[length - 4];
            in.readFully(body);
            return new Message((char) type, body);
        }

        /** Messages up to and including ReadyForQuery. */
        List<Message> readUntilReady() throws IOException {
            List<Message> messages = new ArrayList<>();
            while (true) {
                Message m = read();
                if (m == null) {
                    fail("connection closed before ReadyForQuery; got " + types(messages));
                }
                messages.add(m);
                if (m.type == 'Z') {
                    return messages;
                }
            }
        }

        /** The transaction status of the ReadyForQuery that ends the answer. */
        char readStatus() throws IOException {
            List<Message> answer = readUntilReady();
            return (char) answer.get(answer.size() - 1).body[0];
        }

        /** Reads up to an ErrorResponse, checks its SQLSTATE (FATAL), then expects the server to close. */
        ServerErrorFields expectFatalAndClose(String sqlState) throws IOException {
            List<Message> seen = new ArrayList<>();
            while (true) {
                Message m = read();
                assertNotNull(m, "closed without an ErrorResponse after " + types(seen));
                seen.add(m);
                if (m.type == 'E') {
                    ServerErrorFields error = ServerErrorFields.parse(m.body);
                    assertEquals(sqlState, error.code, error.message);
                    assertEquals("FATAL", error.severity, error.message);
                    expectClosed();
                    return error;
                }
            }
        }

        void expectClosed() throws IOException {
            try {
                assertEquals(-1, in.read(), "the server should have closed the connection");
            } catch (SocketException e) {
                assertTrue(String.valueOf(e.getMessage()).contains("reset"), e.toString());
            }
        }

        /** Closes with a reset, as a crashing client would. */
        void abort() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }

        static String types(List<Message> messages) {
            StringBuilder s = new StringBuilder();
            messages.forEach(m -> s.append(m.type));
            return s.toString();
        }
    }
}
