package io.pglite.core.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pglite.core.Pglite;
import io.pglite.core.SharedPglite;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The psql client (installed by {@code .ci/run}) against the server: meta-commands that run
 * catalogue queries, and a script with {@code \copy} both ways.
 */
class PsqlTest {
    @RegisterExtension
    static final SharedPglite PG = new SharedPglite();

    /** Runs psql with {@code args}; returns its output, failing on a non-zero exit. */
    static String psql(Pglite instance, Path input, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("psql", "-X", "-v", "ON_ERROR_STOP=1", "-h", instance.host(),
                "-p", String.valueOf(instance.port()), "-U", "postgres", "-d", "postgres"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PGCONNECT_TIMEOUT", "10");
        if (input != null) {
            builder.redirectInput(input.toFile());
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "psql finished");
        assertEquals(0, process.exitValue(), "psql failed:\n" + output);
        return output;
    }

    @Test
    void describesTablesWithBackslashDtAndBackslashD() throws Exception {
        psql(PG.get(), null, "-c", "CREATE TABLE orders (id serial PRIMARY KEY, item text NOT NULL, qty int DEFAULT 1)",
                "-c", "CREATE INDEX orders_item ON orders (item)");
        String list = psql(PG.get(), null, "-c", "\\dt");
        assertTrue(list.contains("public | orders | table | postgres"), list);
        String describe = psql(PG.get(), null, "-c", "\\d orders");
        assertTrue(describe.contains("Table \"public.orders\""), describe);
        assertTrue(describe.matches("(?s).*item\\s+\\|\\s+text\\s+\\|\\s+\\|\\s+not null.*"), describe);
        assertTrue(describe.contains("\"orders_pkey\" PRIMARY KEY, btree (id)"), describe);
        assertTrue(describe.contains("\"orders_item\" btree (item)"), describe);
    }

    @Test
    void runsAScriptWithCopyBothWays(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("items.csv");
        StringBuilder csv = new StringBuilder();
        for (int i = 1; i <= 1000; i++) {
            csv.append(i).append(",item ").append(i).append('\n');
        }
        Files.writeString(data, csv);
        Path exported = dir.resolve("exported.csv");
        Path script = dir.resolve("script.sql");
        Files.writeString(script, String.join("\n",
                "CREATE TABLE items (id int PRIMARY KEY, name text);",
                "\\copy items FROM '" + data + "' WITH (FORMAT csv)",
                "UPDATE items SET name = upper(name) WHERE id % 2 = 0;",
                "\\copy (SELECT * FROM items ORDER BY id) TO '" + exported + "' WITH (FORMAT csv)",
                "SELECT count(*) AS n, sum(id) AS total FROM items;",
                ""));
        String output = psql(PG.get(), script);
        assertTrue(output.contains("COPY 1000"), output);
        assertTrue(output.matches("(?s).*\\n\\s*1000 \\|\\s*500500\\n.*"), output);
        List<String> lines = Files.readAllLines(exported);
        assertEquals(1000, lines.size());
        assertEquals("1,item 1", lines.get(0));
        assertEquals("2,ITEM 2", lines.get(1));
    }
}
