-- The relation graph impact analysis walks, kept compact so that a one-shot
-- command (servicebook impact …) reads it in milliseconds instead of
-- rebuilding it from every relation row (two seconds at 490k relations).
-- It is a cache derived from the relation table, not a record: rev is the
-- relation_rev it reflects, and a snapshot whose rev is not the current one
-- is never used.
CREATE TABLE relation_graph (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    rev  INTEGER NOT NULL,
    data BLOB NOT NULL
);
