package io.pglite.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/** Reads the Linux {@code /proc} figures the harness needs: resident memory, uid, total RAM. */
final class ProcFiles {
    private ProcFiles() {
    }

    /** VmRSS of a process in bytes, if it still exists. */
    static OptionalLong residentBytes(long pid) {
        return kibField(Path.of("/proc", Long.toString(pid), "status"), "VmRSS:");
    }

    /** Proportional set size (shared pages split among their users) of a process in bytes. */
    static OptionalLong proportionalBytes(long pid) {
        return kibField(Path.of("/proc", Long.toString(pid), "smaps_rollup"), "Pss:");
    }

    static long totalMemoryBytes() {
        return kibField(Path.of("/proc/meminfo"), "MemTotal:").orElse(0);
    }

    /** The 1-minute load average, NaN if unknown. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    static boolean runningAsRoot() {
        return field(Path.of("/proc/self/status"), "Uid:").map(value -> value.split("\\s+")[0].equals("0")).orElse(false);
    }

    static String cpuModel() {
        return field(Path.of("/proc/cpuinfo"), "model name").map(value -> value.replaceFirst("^:\\s*", ""))
                .orElse("unknown CPU");
    }

    private static OptionalLong kibField(Path file, String name) {
        return field(file, name)
                .map(value -> OptionalLong.of(Long.parseLong(value.split("\\s+")[0]) * 1024))
                .orElse(OptionalLong.empty());
    }

    private static java.util.Optional<String> field(Path file, String name) {
        try {
            List<String> lines = Files.readAllLines(file);
            return lines.stream().filter(line -> line.startsWith(name))
                    .map(line -> line.substring(name.length()).trim())
                    .findFirst();
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }
}
