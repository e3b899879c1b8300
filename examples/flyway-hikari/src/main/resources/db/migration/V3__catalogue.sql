INSERT INTO product (sku, name, stock) VALUES
    ('BOOK-1', 'The Art of Computer Programming', 3),
    ('BOOK-2', 'Structure and Interpretation of Computer Programs', 10);
