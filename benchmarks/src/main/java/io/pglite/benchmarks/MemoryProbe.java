package io.pglite.benchmarks;

import static io.pglite.benchmarks.ProbeOutput.report;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.LongFunction;

/**
 * Figure 4: memory of idle instances. Starts k instances (each answers one {@code SELECT 1}) and
 * compares this JVM's settled heap and resident set before and after; for databases that run in
 * processes of their own, also sums the resident and proportional set sizes of those processes.
 * Arguments: a {@link DatabaseKind}, k.
 */
public final class MemoryProbe {
    static final String HEAP_PER_INSTANCE = "JVM heap per instance (MiB)";
    static final String HEAP_PER_EXTRA_INSTANCE = "JVM heap per instance after the first (MiB)";
    static final String JVM_RSS_BEFORE = "JVM RSS before (MiB)";
    static final String JVM_RSS_AFTER = "JVM RSS after (MiB)";
    static final String JVM_RSS_PER_INSTANCE = "JVM RSS per instance (MiB)";
    static final String SERVER_RSS_PER_INSTANCE = "postgres processes: RSS sum per instance (MiB)";
    static final String SERVER_PSS_PER_INSTANCE = "postgres processes: PSS sum per instance (MiB)";
    static final String SERVER_PROCESSES_PER_INSTANCE = "postgres processes per instance";
    private static final double MIB = 1024 * 1024;

    private MemoryProbe() {
    }

    public static void main(String[] args) throws Exception {
        DatabaseKind kind = DatabaseKind.valueOf(args[0]);
        int count = Integer.parseInt(args[1]);
        long self = ProcessHandle.current().pid();
        long heapBefore = JvmCounters.settledHeapBytes();
        long rssBefore = ProcFiles.residentBytes(self).orElseThrow();
        List<Database> databases = new ArrayList<>();
        long heapAfterFirst = 0;
        for (int i = 0; i < count; i++) {
            Database database = kind.start();
            databases.add(database);
            database.requireSelectOne();
            if (i == 0) {
                heapAfterFirst = JvmCounters.settledHeapBytes();
            }
        }
        long heapAfter = JvmCounters.settledHeapBytes();
        long rssAfter = ProcFiles.residentBytes(self).orElseThrow();

        report(HEAP_PER_INSTANCE, (heapAfter - heapBefore) / MIB / count);
        if (count > 1) {
            report(HEAP_PER_EXTRA_INSTANCE, (heapAfter - heapAfterFirst) / MIB / (count - 1));
        }
        report(JVM_RSS_BEFORE, rssBefore / MIB);
        report(JVM_RSS_AFTER, rssAfter / MIB);
        report(JVM_RSS_PER_INSTANCE, (rssAfter - rssBefore) / MIB / count);
        List<Long> servers = new ArrayList<>();
        for (Database database : databases) {
            servers.addAll(database.serverProcesses());
        }
        if (!servers.isEmpty()) {
            report(SERVER_RSS_PER_INSTANCE, sum(servers, ProcFiles::residentBytes) / MIB / count);
            report(SERVER_PSS_PER_INSTANCE, sum(servers, ProcFiles::proportionalBytes) / MIB / count);
            report(SERVER_PROCESSES_PER_INSTANCE, (double) servers.size() / count);
        }
        for (Database database : databases) {
            database.close();
        }
    }

    private static long sum(List<Long> pids, LongFunction<OptionalLong> bytes) {
        return pids.stream().mapToLong(pid -> bytes.apply(pid).orElse(0)).sum();
    }
}
