-- The change log every domain writes to: who changed what, when, from which
-- value to which, and through which door (gui, cli, or an import file).
CREATE TABLE change_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT    NOT NULL,            -- UTC, RFC 3339
    who       TEXT    NOT NULL,
    source    TEXT    NOT NULL,
    entity    TEXT    NOT NULL,            -- 'ci', 'ci_type', 'baseline', ...
    entity_id INTEGER NOT NULL,
    field     TEXT    NOT NULL,
    old_value TEXT    NOT NULL DEFAULT '',
    new_value TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX change_log_entity ON change_log (entity, entity_id, id);

-- Counters for human references (CI-000123). A reference is never reused,
-- even after its record is deleted, so it is not derived from MAX(id).
CREATE TABLE ref_counter (
    name TEXT PRIMARY KEY,
    last INTEGER NOT NULL
);
INSERT INTO ref_counter (name, last) VALUES ('ci', 0);
-- relation_rev counts relation writes, so that a process can tell that its
-- in-memory relation index is stale after another process wrote.
INSERT INTO ref_counter (name, last) VALUES ('relation_rev', 0);
-- ci_rev counts CI writes, for the same reason: the in-memory index that
-- answers one- and two-character searches must notice other processes.
INSERT INTO ref_counter (name, last) VALUES ('ci_rev', 0);

CREATE TABLE ci_type (
    id          INTEGER PRIMARY KEY,
    key         TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    name_zh     TEXT    NOT NULL DEFAULT '',
    description TEXT    NOT NULL DEFAULT '',
    is_service  INTEGER NOT NULL DEFAULT 0 CHECK (is_service IN (0, 1)),
    builtin     INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1)),
    attributes  TEXT    NOT NULL DEFAULT '[]',  -- JSON list of attribute definitions
    row_version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE ci (
    id          INTEGER PRIMARY KEY,
    ref         TEXT    NOT NULL UNIQUE,
    type_id     INTEGER NOT NULL REFERENCES ci_type (id),
    name        TEXT    NOT NULL CHECK (name <> ''),
    description TEXT    NOT NULL DEFAULT '',
    status      TEXT    NOT NULL CHECK (status IN ('planned', 'in_service', 'maintenance', 'retired')),
    criticality INTEGER NOT NULL CHECK (criticality BETWEEN 1 AND 4),
    owner       TEXT    NOT NULL DEFAULT '',
    location    TEXT    NOT NULL DEFAULT '',
    version     TEXT    NOT NULL DEFAULT '',
    attributes  TEXT    NOT NULL DEFAULT '{}',  -- JSON object: attribute key -> value text
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    row_version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX ci_type_name ON ci (type_id, name);
CREATE INDEX ci_status ON ci (status);
-- The window sorts the CI list by these columns a page at a time; without
-- an index each page of 100k CIs would be sorted anew.
CREATE INDEX ci_name ON ci (name);
CREATE INDEX ci_owner ON ci (owner);
CREATE INDEX ci_location ON ci (location);

CREATE TABLE relation (
    id               INTEGER PRIMARY KEY,
    from_id          INTEGER NOT NULL REFERENCES ci (id),
    kind             TEXT    NOT NULL CHECK (kind IN ('depends_on', 'runs_on', 'hosted_in', 'connects_to',
                                                      'part_of', 'backed_up_by', 'supplied_by')),
    to_id            INTEGER NOT NULL REFERENCES ci (id),
    redundancy_group TEXT    NOT NULL DEFAULT '',
    created_at       TEXT    NOT NULL,
    CHECK (from_id <> to_id),
    UNIQUE (from_id, kind, to_id)
);
CREATE INDEX relation_to ON relation (to_id);

-- Full-text search. The trigram tokenizer matches any 3+ character substring,
-- which is what makes Chinese searchable (unicode61 would treat a run of
-- Chinese as one token); shorter queries are answered in memory. The code
-- keeps this index, not triggers: FTS5 flushes its pending terms at every
-- statement savepoint, so a trigger firing per row made a 100k-row import
-- spend 6 s merging 100k tiny segments; one INSERT ... SELECT at the end of
-- a transaction writes them once.
CREATE VIRTUAL TABLE ci_search USING fts5 (
    ref, name, description, owner, location, attrs,
    tokenize = 'trigram'
);

-- Baselines are frozen copies: they keep references and values, not foreign
-- keys, so that deleting a CI today does not rewrite what a baseline recorded.
CREATE TABLE baseline (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL UNIQUE CHECK (name <> ''),
    note     TEXT NOT NULL DEFAULT '',
    taken_at TEXT NOT NULL,
    taken_by TEXT NOT NULL
);
CREATE TABLE baseline_ci (
    baseline_id INTEGER NOT NULL REFERENCES baseline (id) ON DELETE CASCADE,
    ci_id       INTEGER NOT NULL,  -- the CI's id, kept although the CI may be deleted later
    ref         TEXT    NOT NULL,
    type_key    TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    criticality INTEGER NOT NULL,
    owner       TEXT    NOT NULL,
    location    TEXT    NOT NULL,
    version     TEXT    NOT NULL,
    attributes  TEXT    NOT NULL,
    PRIMARY KEY (baseline_id, ref)
);
-- Relations are kept by CI id: comparing integers is what makes a diff of
-- 500k relations take a second rather than several. The references are in
-- baseline_ci of the same baseline.
CREATE TABLE baseline_relation (
    baseline_id      INTEGER NOT NULL REFERENCES baseline (id) ON DELETE CASCADE,
    from_id          INTEGER NOT NULL,
    kind             TEXT    NOT NULL,
    to_id            INTEGER NOT NULL,
    redundancy_group TEXT    NOT NULL,
    PRIMARY KEY (baseline_id, from_id, kind, to_id)
);
