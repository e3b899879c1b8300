package io.pglite.benchmarks;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the JVM itself has spent so far: JIT, GC and CPU time, classes loaded. */
final class JvmCounters {
    static final String CPU = "JVM: CPU time, all threads (ms)";
    static final String JIT = "JVM: JIT compilation, all compiler threads (ms)";
    private JvmCounters() {
    }

    static Map<String, Double> snapshot() {
        Map<String, Double> counters = new LinkedHashMap<>();
        counters.put(CPU, cpuMillis());
        counters.put(JIT,
                (double) ManagementFactory.getCompilationMXBean().getTotalCompilationTime());
        long gcMillis = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcMillis += Math.max(0, collector.getCollectionTime());
        }
        counters.put("JVM: GC (ms)", (double) gcMillis);
        counters.put("JVM: classes loaded", (double) ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount());
        return counters;
    }

    private static double cpuMillis() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean) {
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            return ProbeOutput.millis(os.getProcessCpuTime());
        }
        return Double.NaN;
    }

    /** Heap in use after several full collections, in bytes. */
    static long settledHeapBytes() throws InterruptedException {
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
