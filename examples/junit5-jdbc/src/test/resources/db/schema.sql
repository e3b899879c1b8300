CREATE TABLE customer (
    id    bigserial PRIMARY KEY,
    name  text NOT NULL,
    email text NOT NULL
);
CREATE UNIQUE INDEX customer_email ON customer (lower(email));
