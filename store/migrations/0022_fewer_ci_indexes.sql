-- Three indexes over ci that no query uses any more cost every CI written
-- an entry each (an import of 100k CIs wrote 300k): ci_name and
-- ci_location sorted the window's list before the sort keys of migration
-- 8 (ci_sort_name, ci_sort_location) took that over, and ci_type_name
-- (type, name) loses to ci_type_status for every query by type. A CI is
-- found by name through the search index, never by this one.
DROP INDEX IF EXISTS ci_name;
DROP INDEX IF EXISTS ci_location;
DROP INDEX IF EXISTS ci_type_name;
