INSERT INTO kept VALUES (1);
CREATE TABLE broken (id integer,, name text);
