-- The readiness checks' thresholds (how often plans are exercised, how far
-- ahead a capacity breach counts, ...), set by the organisation: policy
-- shared by everyone who opens the file, changed through the change log.
-- A name not here takes the program's default.
CREATE TABLE audit_setting (
    name  TEXT PRIMARY KEY,
    value REAL NOT NULL
) WITHOUT ROWID;
