package io.pglite.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Launches a probe's main class in a child JVM, with the harness's own {@code java}, a class path
 * and, if need be, as another user, and collects the figures the probe reports. Lines that are not
 * figures are echoed, indented; the child's standard error goes to the harness's.
 */
final class ChildJvm {
    private static final String LAUNCHED_AT = "bench.launchedAt";
    private static final long TIMEOUT_MINUTES = 5;

    private final List<String> commandPrefix;
    private final String classPath;
    private final List<String> options;

    /**
     * @param commandPrefix what runs {@code java}, e.g. {@code runuser -u postgres --}; empty for none
     * @param options JVM options every child of this launcher gets
     */
    ChildJvm(List<String> commandPrefix, String classPath, List<String> options) {
        this.commandPrefix = List.copyOf(commandPrefix);
        this.classPath = classPath;
        this.options = List.copyOf(options);
    }

    String classPath() {
        return classPath;
    }

    /** In a child JVM: {@link System#nanoTime()} in the harness just before it launched this JVM. */
    static long launchedAt() {
        return Long.parseLong(System.getProperty(LAUNCHED_AT));
    }

    /** Runs {@code probe} with {@code args} and waits for it; fails if it fails. */
    ProbeRun run(Class<?> probe, List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(commandPrefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classPath));
        int launchedAtIndex = command.size();
        command.add("-D" + LAUNCHED_AT); // completed just before the launch
        command.add(probe.getName());
        command.addAll(Arrays.asList(args));

        long launched = System.nanoTime();
        command.set(launchedAtIndex, "-D" + LAUNCHED_AT + "=" + launched);
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Map<String, Double> results = new LinkedHashMap<>();
        Thread reader = new Thread(() -> collect(process, results), "probe-output");
        reader.start();
        boolean exited = process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
        long ended = System.nanoTime();
        if (!exited) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        reader.join();
        if (!exited || process.exitValue() != 0) {
            throw new IllegalStateException(probe.getSimpleName() + " " + String.join(" ", args)
                    + (exited ? " exited with status " + process.exitValue() : " timed out"));
        }
        return new ProbeRun(results, ProbeOutput.millis(ended - launched));
    }

    private static void collect(Process process, Map<String, Double> results) {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith(ProbeOutput.PREFIX)) {
                    String[] fields = line.substring(ProbeOutput.PREFIX.length()).split("\t");
                    results.put(fields[0], Double.parseDouble(fields[1]));
                } else {
                    System.out.println("    | " + line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
