-- Less written for every CI saved (an import of 100k CIs wrote 118 MB).
--
-- ci_search keeps no copy of the text any more (content = ''), as
-- ci_search_name and ci_grams do not: the index answers which CI has a
-- word, and the text is ci's. Its copy was 10 MB per 100k CIs, written
-- with every CI and again on every change; the search's fallback for short
-- words with punctuation now compares ci's own columns. Contentless, its
-- rows are deleted by rowid (contentless_delete), which needs the size of
-- each row kept (columnsize). FTS5 cannot change an existing table: it is
-- made again from ci.
DROP TABLE ci_search;
CREATE VIRTUAL TABLE ci_search USING fts5 (
    ref, name, description, owner, location, attrs,
    tokenize = 'trigram', content = '', contentless_delete = 1
);
INSERT INTO ci_search (rowid, ref, name, description, owner, location, attrs)
SELECT id, ref, name, description, owner, location,
       (SELECT coalesce(group_concat(value, ' '), '') FROM json_each(ci.attributes))
FROM ci ORDER BY id;

-- The owner filter finds its CIs through the owner's sort key
-- (ci_sort_owner, migration 8) and compares the owner itself: ci_owner was
-- one more index entry for every CI written.
DROP INDEX IF EXISTS ci_owner;
