-- The owner filter finds its CIs through the owner's sort key
-- (ci_sort_owner) and compares the owner itself: ci_owner was one more
-- index entry for every CI written. (A server has no ci_search table: its
-- search index is an index on ci, search_server.go.)
DROP INDEX IF EXISTS ci_owner;
