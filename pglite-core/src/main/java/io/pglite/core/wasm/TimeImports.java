package io.pglite.core.wasm;

import static io.pglite.core.wasm.ProcessImports.fn;
import static io.pglite.core.wasm.ProcessImports.i32s;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Clocks and calendar conversion. The backend runs with {@code TZ=UTC} (PostgreSQL does its own
 * time-zone work from its zoneinfo files), so local time is UTC here.
 *
 * <p>Provides {@code env.emscripten_date_now}, {@code emscripten_get_now}, {@code _tzset_js},
 * {@code _localtime_js}, {@code _gmtime_js}, {@code _mktime_js}, {@code _setitimer_js} and
 * {@code wasi_snapshot_preview1.clock_time_get}.
 */
final class TimeImports {
    /** How far a cancelled sleep moves the monotonic clock forward: past any sleep PostgreSQL asks for. */
    private static final long SLEEP_SKIP_NANOS = 24L * 3600 * 1_000_000_000L;
    private final Clock clock;
    private final java.util.function.BooleanSupplier sleepInterrupted;
    private long monotonicOrigin = System.nanoTime();

    TimeImports(Clock clock, java.util.function.BooleanSupplier sleepInterrupted) {
        this.clock = clock;
        this.sleepInterrupted = sleepInterrupted;
    }

    List<HostFunction> toHostFunctions() {
        List<HostFunction> f = new ArrayList<>();
        f.add(doubleResult("emscripten_date_now", () -> (double) clock.millis()));
        f.add(doubleResult("emscripten_get_now", () -> monotonicNanos() / 1_000_000.0));
        f.add(new HostFunction("wasi_snapshot_preview1", "clock_time_get",
                FunctionType.of(List.of(ValType.I32, ValType.I64, ValType.I32), List.of(ValType.I32)),
                (instance, args) -> new long[] {clockTimeGet(instance.memory(), (int) args[0], (int) args[2])}));
        f.add(fn("env", "_tzset_js", i32s(4), false, (m, a) -> {
            m.writeI32((int) a[0], 0);
            m.writeI32((int) a[1], 0);
            writeZoneName(m, (int) a[2]);
            writeZoneName(m, (int) a[3]);
            return 0;
        }));
        f.add(toCalendar("_localtime_js"));
        f.add(toCalendar("_gmtime_js"));
        f.add(new HostFunction("env", "_mktime_js",
                FunctionType.of(List.of(ValType.I32), List.of(ValType.I64)),
                (instance, args) -> new long[] {mktime(instance.memory(), (int) args[0])}));
        // Timers are not delivered: the backend is driven synchronously (statement_timeout is inert).
        f.add(new HostFunction("env", "_setitimer_js",
                FunctionType.of(List.of(ValType.I32, ValType.F64), List.of(ValType.I32)),
                (instance, args) -> new long[] {0}));
        return f;
    }

    private int clockTimeGet(Memory memory, int clockId, int resultPtr) {
        long nanos;
        if (clockId == 0) {
            var now = clock.instant();
            nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        } else if (clockId <= 3) {
            nanos = monotonicNanos();
        } else {
            return 28; // EINVAL
        }
        memory.writeLong(resultPtr, nanos);
        return 0;
    }

    private long monotonicNanos() {
        if (sleepInterrupted.getAsBoolean()) {
            monotonicOrigin -= SLEEP_SKIP_NANOS;
        }
        return System.nanoTime() - monotonicOrigin;
    }

    private static void writeZoneName(Memory memory, int address) {
        byte[] name = "UTC".getBytes(StandardCharsets.US_ASCII);
        memory.write(address, name);
        memory.writeByte(address + name.length, (byte) 0);
    }

    private static HostFunction toCalendar(String name) {
        return new HostFunction("env", name,
                FunctionType.of(List.of(ValType.I64, ValType.I32), List.of(ValType.I32)),
                (instance, args) -> {
                    writeTm(instance.memory(), (int) args[1], args[0]);
                    return new long[] {0};
                });
    }

    /** Fills a musl {@code struct tm} (i32 fields; isdst at +32, gmtoff at +36). */
    static void writeTm(Memory memory, int tm, long epochSeconds) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(epochSeconds, 0, ZoneOffset.UTC);
        memory.writeI32(tm, t.getSecond());
        memory.writeI32(tm + 4, t.getMinute());
        memory.writeI32(tm + 8, t.getHour());
        memory.writeI32(tm + 12, t.getDayOfMonth());
        memory.writeI32(tm + 16, t.getMonthValue() - 1);
        memory.writeI32(tm + 20, t.getYear() - 1900);
        memory.writeI32(tm + 24, t.getDayOfWeek().getValue() % 7);
        memory.writeI32(tm + 28, t.getDayOfYear() - 1);
        memory.writeI32(tm + 32, 0);
        memory.writeI32(tm + 36, 0);
    }

    /** Normalises the fields like {@code mktime} (out-of-range values carry over) and returns the epoch seconds. */
    static long mktime(Memory memory, int tm) {
        LocalDateTime t = LocalDateTime.of(1900 + memory.readInt(tm + 20), 1, 1, 0, 0)
                .plusMonths(memory.readInt(tm + 16))
                .plusDays(memory.readInt(tm + 12) - 1L)
                .plusHours(memory.readInt(tm + 8))
                .plusMinutes(memory.readInt(tm + 4))
                .plusSeconds(memory.readInt(tm));
        long seconds = t.toEpochSecond(ZoneOffset.UTC);
        writeTm(memory, tm, seconds);
        return seconds;
    }

    private static HostFunction doubleResult(String name, java.util.function.DoubleSupplier value) {
        return new HostFunction("env", name, FunctionType.of(List.of(), List.of(ValType.F64)),
                (instance, args) -> new long[] {Double.doubleToRawLongBits(value.getAsDouble())});
    }
}
