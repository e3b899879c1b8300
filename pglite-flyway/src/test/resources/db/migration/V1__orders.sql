-- the placeholder ${owner} is set by the tests
CREATE TABLE customer (
    id    serial PRIMARY KEY,
    name  text NOT NULL,
    owner text NOT NULL DEFAULT '${owner}'
);
CREATE TABLE orders (
    id          serial PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES customer (id),
    total       numeric(10, 2) NOT NULL
);
CREATE TABLE migration_log (event text NOT NULL);
