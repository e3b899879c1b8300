INSERT INTO customer (name) VALUES ('Ada'), ('Grace');
INSERT INTO orders (customer_id, total) VALUES (1, 10.50), (1, 4.50), (2, 99.00);
