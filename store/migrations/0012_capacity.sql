-- Capacity management: the resources whose use is watched (a CI and a
-- metric, with its capacity, thresholds, buffer and HA reserve) and their
-- usage samples. Samples are measurements, kept by the second; a samples
-- import is logged per resource (how many, from which file, over which
-- span), not per sample.
CREATE TABLE capacity_resource (
    id          INTEGER PRIMARY KEY,
    ci_id       INTEGER NOT NULL REFERENCES ci (id),
    metric      TEXT    NOT NULL CHECK (metric <> ''),
    unit        TEXT    NOT NULL DEFAULT '',
    -- name is how samples files name the resource (a monitoring item key,
    -- or "CI-000031 storage GB"); unique, compared as written.
    name        TEXT    NOT NULL UNIQUE CHECK (name <> ''),
    capacity    REAL    NOT NULL CHECK (capacity > 0),
    warning     REAL    NOT NULL CHECK (warning > 0),
    critical    REAL    NOT NULL CHECK (critical >= warning),
    buffer_pct  REAL    NOT NULL DEFAULT 0 CHECK (buffer_pct >= 0 AND buffer_pct < 100),
    ha_reserve  REAL    NOT NULL DEFAULT 0 CHECK (ha_reserve >= 0),
    row_version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (ci_id, metric)
);
CREATE TABLE capacity_sample (
    resource_id INTEGER NOT NULL REFERENCES capacity_resource (id) ON DELETE CASCADE,
    at          INTEGER NOT NULL, -- Unix seconds
    value       REAL    NOT NULL,
    PRIMARY KEY (resource_id, at)
) WITHOUT ROWID;
