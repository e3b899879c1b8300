CREATE OR REPLACE VIEW customer_totals AS
    SELECT c.name, sum(o.total) AS total FROM customer c JOIN orders o ON o.customer_id = c.id GROUP BY c.name;
