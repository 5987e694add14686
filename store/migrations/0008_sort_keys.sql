-- The CI list sorts names, owners and locations as a reader expects:
-- Chinese by pinyin, Latin letters without regard to case, numbers by
-- value. SQLite compares text by code point, so each CI carries the
-- collation key of those fields (golang.org/x/text/collate), which sorts
-- right as bytes and can be indexed. The program fills the keys of rows
-- written before this migration the first time it opens the database.
ALTER TABLE ci ADD COLUMN sort_name BLOB;
ALTER TABLE ci ADD COLUMN sort_owner BLOB;
ALTER TABLE ci ADD COLUMN sort_location BLOB;
CREATE INDEX ci_sort_name ON ci (sort_name, id);
CREATE INDEX ci_sort_owner ON ci (sort_owner, id);
CREATE INDEX ci_sort_location ON ci (sort_location, id);
