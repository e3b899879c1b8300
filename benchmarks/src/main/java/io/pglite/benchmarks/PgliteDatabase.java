package io.pglite.benchmarks;

import io.pglite.core.Pglite;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link Pglite} instance in this JVM; what its start spent comes from the engine's debug log. */
final class PgliteDatabase implements Database {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final byte[] SELECT_ONE_MESSAGE = queryMessage("SELECT 1");

    private final Pglite pglite;

    private PgliteDatabase(Pglite pglite) {
        this.pglite = pglite;
    }

    static PgliteDatabase start() {
        EngineLog.capture();
        return new PgliteDatabase(Pglite.builder().withName("bench-" + COUNTER.incrementAndGet()).start());
    }

    /** The instance itself, for what only pglite offers (snapshots). */
    Pglite pglite() {
        return pglite;
    }

    @Override
    public int selectOne() {
        return Integer.parseInt(pglite.query("SELECT 1").singleValue());
    }

    @Override
    public Map<String, RoundTrip> roundTrips() {
        Map<String, RoundTrip> roundTrips = new LinkedHashMap<>();
        roundTrips.put("exchange()", () -> requireReadyForQuery(pglite.exchange(SELECT_ONE_MESSAGE)));
        roundTrips.put("query()", () -> pglite.query("SELECT 1").singleValue());
        return roundTrips;
    }

    @Override
    public String jdbcUrl() {
        return pglite.jdbcUrl() + "?user=postgres";
    }

    @Override
    public Map<String, Double> breakdown() {
        return EngineLog.timings(pglite.name());
    }

    @Override
    public List<Long> serverProcesses() {
        return List.of();
    }

    @Override
    public void close() {
        pglite.close();
    }

    /** A simple Query message: {@code 'Q'}, int32 length (itself included), the SQL, NUL. */
    private static byte[] queryMessage(String sql) {
        byte[] text = sql.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + 4 + text.length + 1)
                .put((byte) 'Q').putInt(4 + text.length + 1).put(text).put((byte) 0)
                .array();
    }

    /** The answer must end with ReadyForQuery: {@code 'Z'}, length 5, a status byte. */
    private static void requireReadyForQuery(byte[] answer) {
        if (answer.length < 6 || answer[answer.length - 6] != 'Z') {
            throw new IllegalStateException("answer does not end with ReadyForQuery (" + answer.length + " bytes)");
        }
    }
}
