package io.pglite.benchmarks;

import java.util.Locale;

/** The machine and JDK a run measured on, as the report states them. */
record MachineInfo(int cores, String cpu, long memoryBytes, String jdk, String os) {

    static MachineInfo current() {
        return new MachineInfo(
                Runtime.getRuntime().availableProcessors(),
                ProcFiles.cpuModel(),
                ProcFiles.totalMemoryBytes(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    }

    String describe() {
        return String.format(Locale.ROOT, "%d cores (%s), %.1f GiB RAM, %s, %s",
                cores, cpu, memoryBytes / (1024.0 * 1024 * 1024), jdk, os);
    }
}
