CREATE TABLE product (
    sku   text PRIMARY KEY,
    name  text NOT NULL,
    stock integer NOT NULL CHECK (stock >= 0)
);
