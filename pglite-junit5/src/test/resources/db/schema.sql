-- the fixtures' schema
CREATE TABLE items (
    id serial PRIMARY KEY,
    name text NOT NULL
);

/* a function with a dollar-quoted body; its semicolons are not statement ends */
CREATE FUNCTION item_count() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM items);
END;
$$;

INSERT INTO items (name) VALUES ('from script; with a semicolon');
