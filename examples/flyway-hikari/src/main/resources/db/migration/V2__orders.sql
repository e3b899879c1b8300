CREATE TABLE orders (
    id       bigserial PRIMARY KEY,
    sku      text NOT NULL REFERENCES product (sku),
    quantity integer NOT NULL CHECK (quantity > 0),
    placed   timestamptz NOT NULL DEFAULT now()
);
