package com.example.notes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pglite.junit5.PgliteInstance;
import io.pglite.junit5.PgliteJdbcUrl;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The application context on a pglite database, as with Testcontainers: the extension starts the
 * database before Spring builds the context, and {@code @DynamicPropertySource} hands Spring its
 * URL. {@code sharing = SUITE} keeps one database (and so one URL) for every test class with this
 * configuration, so that Spring's cached context stays valid from class to class. Spring's own
 * HikariCP pool keeps its connections across the restore before each test method.
 */
@SpringBootTest
@PgliteInstance(initScripts = "schema.sql", sharing = PgliteInstance.Sharing.SUITE)
class NoteRepositoryTest {
    @PgliteJdbcUrl
    static String url;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", () -> "postgres");
    }

    @Autowired
    NoteRepository notes;

    @Test
    void findsNotesByTag() {
        notes.add("buy milk", List.of("home", "shopping"));
        notes.add("fix the build", List.of("work"));
        notes.add("buy a drill", List.of("home"));
        assertEquals(List.of("buy milk", "buy a drill"), notes.taggedWith("home"));
    }

    @Test
    void everyTestStartsWithNoNotes() {
        assertEquals(0, notes.count());
        notes.add("written by this test", List.of());
        assertEquals(1, notes.count());
    }
}
