INSERT INTO customer (name) VALUES ('from an init script');
