-- Nothing changes on a server: migration 24 is a file's (its trigram
-- search indexes keep no positions, migrations/0024_search_without_positions.sql);
-- a server's search index is an index on ci itself (cmdb/search_server.go).
-- The number is shared so that both dialects are at one schema version.
SELECT 1;
