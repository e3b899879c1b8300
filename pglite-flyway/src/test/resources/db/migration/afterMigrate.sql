INSERT INTO migration_log (event) VALUES ('afterMigrate');
