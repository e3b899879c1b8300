CREATE TABLE ok (id int);

INSERT INTO missing_table VALUES (1);
