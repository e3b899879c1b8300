package io.pglite.core.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pglite.core.Heap;
import io.pglite.core.Pglite;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading pauses the backend instead of making the server buffer the result:
 * 1,000,000 rows of about 120 bytes (over 120 MB on the wire) in one Execute.
 */
class BackpressureTest {
    private static final String QUERY = "SELECT g, repeat('x', 100) FROM generate_series(1, 1000000) g";

    @Test
    void aClientThatDoesNotReadPausesTheBackendAndTheServerHoldsOnlyAWindow() throws Exception {
        try (Pglite pg = Pglite.start(); Socket socket = new Socket()) {
            socket.setReceiveBufferSize(64 * 1024);
            socket.connect(new InetSocketAddress(pg.host(), pg.port()));
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 65536));
            byte[] params = "user\0postgres\0database\0postgres\0\0".getBytes(StandardCharsets.UTF_8);
            out.writeInt(8 + params.length);
            out.writeInt(196608);
            out.write(params);
            out.flush();
            readMessagesUntilReady(in);

            long heapBefore = Heap.usedAfterGc();
            byte[] sql = QUERY.getBytes(StandardCharsets.UTF_8);
            out.writeByte('Q');
            out.writeInt(5 + sql.length);
            out.write(sql);
            out.writeByte(0);
            out.flush();

            Thread.sleep(3000); // not reading: the backend must stall once the socket and a window are full
            CompletableFuture<Boolean> otherQuery = CompletableFuture.supplyAsync(pg::isHealthy);
            Thread.sleep(500);
            assertFalse(otherQuery.isDone(), "the backend is paused in the middle of the result, not finished");
            long heapWhilePaused = Heap.usedAfterGc();
            assertTrue(heapWhilePaused - heapBefore < 48L * 1024 * 1024,
                    "the server holds a window, not the result: heap grew by " + (heapWhilePaused - heapBefore) / 1024 + " KiB");

            long[] rowsAndBytes = readMessagesUntilReady(in);
            assertEquals(1_000_000, rowsAndBytes[0]);
            assertTrue(rowsAndBytes[1] > 120_000_000L, "bytes received: " + rowsAndBytes[1]);
            assertTrue(otherQuery.get(30, TimeUnit.SECONDS), "the other query ran once the result was read");
        }
    }

    /** Reads backend messages up to ReadyForQuery; returns the DataRow count and the bytes read. */
    private static long[] readMessagesUntilReady(DataInputStream in) throws Exception {
        long rows = 0;
        long bytes = 0;
        byte[] body = new byte[256];
        while (true) {
            int type = in.readUnsignedByte();
            int length = in.readInt() - 4;
            if (body.length < length) {
                body = new byte[length];
            }
            in.readFully(body, 0, length);
            bytes += 5 + length;
            if (type == 'D') {
                rows++;
            } else if (type == 'E') {
                throw new AssertionError("error from the server: " + new String(body, 0, length, StandardCharsets.UTF_8));
            } else if (type == 'Z') {
                return new long[] {rows, bytes};
            }
        }
    }
}
