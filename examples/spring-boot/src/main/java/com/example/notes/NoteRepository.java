package com.example.notes;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Notes with their tags in a PostgreSQL array: the code under test. */
@Repository
public class NoteRepository {
    private final JdbcClient jdbc;

    public NoteRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public long add(String text, List<String> tags) {
        return jdbc.sql("INSERT INTO note (text, tags) VALUES (:text, :tags::text[]) RETURNING id")
                .param("text", text)
                .param("tags", "{" + String.join(",", tags) + "}")
                .query(Long.class).single();
    }

    /** The texts of the notes with {@code tag}, oldest first (PostgreSQL's array containment). */
    public List<String> taggedWith(String tag) {
        return jdbc.sql("SELECT text FROM note WHERE tags @> ARRAY[:tag]::text[] ORDER BY id")
                .param("tag", tag)
                .query(String.class).list();
    }

    public long count() {
        return jdbc.sql("SELECT count(*) FROM note").query(Long.class).single();
    }
}
