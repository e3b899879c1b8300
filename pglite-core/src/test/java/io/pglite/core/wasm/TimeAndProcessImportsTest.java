package io.pglite.core.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Calendar conversion and heap growth, on a plain memory. */
class TimeAndProcessImportsTest {
    private static final int TM = 1024;

    private final Memory memory = new ByteArrayMemory(new MemoryLimits(1, 64));

    @Test
    void gmtimeFillsStructTmInUtc() {
        long seconds = LocalDateTime.of(2024, 2, 29, 13, 14, 15).toEpochSecond(ZoneOffset.UTC);
        TimeImports.writeTm(memory, TM, seconds);
        assertEquals(List.of(15, 14, 13, 29, 1, 124, 4, 59, 0, 0), fields());
    }

    @Test
    void mktimeNormalisesOutOfRangeFieldsAndReturnsEpochSeconds() {
        TimeImports.writeTm(memory, TM, 0);
        memory.writeI32(TM + 16, 12); // month 12 of 1970 = January 1971
        memory.writeI32(TM + 12, 32); // day 32 = February 1st
        long seconds = TimeImports.mktime(memory, TM);
        assertEquals(LocalDateTime.of(1971, 2, 1, 0, 0).toEpochSecond(ZoneOffset.UTC), seconds);
        assertEquals(List.of(0, 0, 0, 1, 1, 71, 1, 31, 0, 0), fields());
    }

    @Test
    void heapGrowsToTheRequestAndRefusesBeyondTheCeiling() {
        ProcessImports process = new ProcessImports(new EmscriptenRuntime(), List.of(), 16, new Random(1));
        assertEquals(1, process.resizeHeap(memory, 5 * 65536L + 1));
        assertEquals(6, memory.pages());
        assertEquals(0, process.resizeHeap(memory, 17 * 65536L));
        assertEquals(6, memory.pages());
    }

    private List<Integer> fields() {
        Integer[] values = new Integer[10];
        for (int i = 0; i < values.length; i++) {
            values[i] = memory.readInt(TM + 4 * i);
        }
        return List.of(values);
    }
}
