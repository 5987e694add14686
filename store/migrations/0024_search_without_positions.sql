-- The trigram indexes keep which CI holds which three characters, no
-- longer where (detail = none): a search word of four or more characters
-- is asked for as all its trigrams, and the CIs that have them all are
-- checked against the word itself (cmdb/search.go), which a phrase query
-- did with the positions. Without the positions every CI written costs a
-- third less to index (an import of 100k CIs into a 100k CMDB spent
-- 1.7 s of its 5.5 in the three search indexes) and the indexes are
-- smaller. FTS5 cannot change an existing table: both are made again
-- from ci.
DROP TABLE ci_search;
CREATE VIRTUAL TABLE ci_search USING fts5 (
    ref, name, description, owner, location, attrs,
    tokenize = 'trigram', content = '', contentless_delete = 1, detail = none
);
INSERT INTO ci_search (rowid, ref, name, description, owner, location, attrs)
SELECT id, ref, name, description, owner, location,
       (SELECT coalesce(group_concat(value, ' '), '') FROM json_each(ci.attributes))
FROM ci ORDER BY id;

DROP TABLE ci_search_name;
CREATE VIRTUAL TABLE ci_search_name USING fts5 (
    ref, name,
    tokenize = 'trigram', content = '', contentless_delete = 1, detail = none
);
INSERT INTO ci_search_name (rowid, ref, name) SELECT id, ref, name FROM ci ORDER BY id;
