-- several statements, a dollar-quoted body with semicolons and a comment: run as one simple query
CREATE TABLE note (id serial PRIMARY KEY, text text NOT NULL);

CREATE FUNCTION note_count() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM note); -- a semicolon inside the body
END;
$$;

INSERT INTO note (text) VALUES ('from the init script');
