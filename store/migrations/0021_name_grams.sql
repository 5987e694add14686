-- Nothing changes in a file: it finds words of one and two characters with
-- its own index (ci_grams, migration 10). Migration 21 is a server's: the
-- same search there (migrations/postgres/0021_name_grams.sql). The number
-- is shared so that both dialects are at one schema version.
SELECT 1;
