CREATE TABLE note (
    id   bigserial PRIMARY KEY,
    text text NOT NULL,
    tags text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX note_tags ON note USING gin (tags);
