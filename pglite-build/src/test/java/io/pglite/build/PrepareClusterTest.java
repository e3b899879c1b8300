package io.pglite.build;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrepareClusterTest {

    @TempDir
    Path cluster;

    @Test
    void archivesTreeRelativeToRootSortedWithDirectories() throws IOException {
        Files.createDirectories(cluster.resolve("base/1"));
        Files.createDirectories(cluster.resolve("pg_wal/archive_status"));
        Files.writeString(cluster.resolve("base/1/1259"), "relation");
        Files.writeString(cluster.resolve("PG_VERSION"), "18\n");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int count = PrepareCluster.archive(cluster, out);

        List<TarEntry> entries = TarTest.readAll(out.toByteArray());
        assertEquals(List.of("PG_VERSION", "base", "base/1", "base/1/1259", "pg_wal", "pg_wal/archive_status"),
                entries.stream().map(TarEntry::path).toList());
        assertEquals(6, count);
        assertArrayEquals("relation".getBytes(StandardCharsets.UTF_8), entries.get(3).content());
    }

    @Test
    void sameTreeGivesSameBytes() throws IOException {
        Files.createDirectories(cluster.resolve("global"));
        Files.writeString(cluster.resolve("global/pg_control"), "control");
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        PrepareCluster.archive(cluster, first);
        Files.setLastModifiedTime(cluster.resolve("global/pg_control"), FileTime.fromMillis(0));

        ByteArrayOutputStream second = new ByteArrayOutputStream();
        PrepareCluster.archive(cluster, second);

        assertArrayEquals(first.toByteArray(), second.toByteArray());
    }
}
