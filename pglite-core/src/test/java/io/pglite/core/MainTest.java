package io.pglite.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone server as a user runs it: a JVM of its own, psql, Ctrl-C (SIGINT). */
class MainTest {
    private static final Pattern PSQL_LINE = Pattern.compile("psql -h (\\S+) -p (\\d+) -U postgres postgres");

    @Test
    void servesPsqlUntilCtrlCAndKeepsADataDirectory(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("db");
        runServer(data, "CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)");
        String output = runServer(data, "SELECT x FROM kept");
        assertTrue(output.contains("42"), output);
    }

    @Test
    void badArgumentsExplainTheUsage() throws Exception {
        Process process = java("--port", "notaport");
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, process.exitValue());
        assertTrue(output.contains("port: notaport (expected: 0..65535)"), output);
        assertTrue(output.contains("usage: java -jar pglite-server.jar"), output);
    }

    @Test
    void withoutTheEngineJarTheStartSaysWhatIsMissing() throws Exception {
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains("pglite-wasm")).collect(Collectors.joining(File.pathSeparator));
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, Main.class.getName(), "--port", "0").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertTrue(process.exitValue() != 0, output);
        assertTrue(output.contains("io.pglite.wasm.PgliteModule, is not on the class path: the io.pglite:pglite-wasm jar"
                + " is missing"), output);
    }

    @Test
    void parsesEveryOption() {
        assertThrows(IllegalArgumentException.class, () -> Main.parse(new String[] {"--user", "u"}));
        assertThrows(IllegalArgumentException.class, () -> Main.parse(new String[] {"--what", "x"}));
        assertThrows(IllegalArgumentException.class, () -> Main.parse(new String[] {"--port"}));
        assertEquals(null, Main.parse(new String[] {"--help"}));
        assertThrows(IllegalArgumentException.class, () -> Main.parse(new String[] {"--database", "template0"}));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Main.parse(new String[] {"--extensions", "pgcrypto,postgis"}));
        assertTrue(unknown.getMessage().startsWith("extension 'postgis' is not shipped"), unknown.getMessage());
        assertEquals(null, Main.parse(new String[] {"--list-extensions"}));
        Main.parse(new String[] {"--port", "0", "--host", "127.0.0.1", "--data-dir", "temp://", "--database", "orders",
                "--extensions", "pgcrypto,vector", "--user", "u", "--password", "p"});
    }

    @Test
    void theDatabaseOptionNamesTheDatabaseServedAndPrinted() {
        try (Pglite pg = Main.parse(new String[] {"--port", "0", "--database", "orders"}).start()) {
            assertEquals("orders", pg.database());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Main.printReady(pg, new PrintStream(out, true, StandardCharsets.UTF_8));
            String printed = out.toString(StandardCharsets.UTF_8);
            assertTrue(printed.contains("JDBC URL: jdbc:postgresql://127.0.0.1:" + pg.port() + "/orders"), printed);
            assertTrue(printed.contains("-p " + pg.port() + " -U postgres orders"), printed);
        }
    }

    /** Starts the server on {@code data}, runs {@code sql} through psql, stops it with SIGINT; returns psql's output. */
    private static String runServer(Path data, String sql) throws Exception {
        Process server = java("--port", "0", "--data-dir", data.toString());
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            List<String> seen = new ArrayList<>();
            Matcher psqlLine = null;
            String line;
            while ((line = lines.readLine()) != null && !line.startsWith("Ready.")) {
                seen.add(line);
                Matcher m = PSQL_LINE.matcher(line);
                if (m.find()) {
                    psqlLine = m;
                }
            }
            assertTrue(psqlLine != null && line != null, "the server printed its psql line and Ready: " + seen);
            assertTrue(String.join("\n", seen).contains("JDBC URL: jdbc:postgresql://127.0.0.1:" + psqlLine.group(2) + "/postgres"));
            Process psql = new ProcessBuilder("psql", "-X", "-v", "ON_ERROR_STOP=1", "-h", psqlLine.group(1),
                    "-p", psqlLine.group(2), "-U", "postgres", "postgres", "-c", sql).redirectErrorStream(true).start();
            String output = new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(psql.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, psql.exitValue(), output);

            new ProcessBuilder("kill", "-INT", String.valueOf(server.pid())).start().waitFor();
            assertTrue(server.waitFor(30, TimeUnit.SECONDS), "Ctrl-C stops the server");
            String rest = new String(server.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(rest.contains("pglite-server: stopped"), rest);
            return output;
        } finally {
            server.destroyForcibly();
        }
    }

    private static Process java(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }
}
