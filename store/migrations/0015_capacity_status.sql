-- Each resource's forecast, summed up: what the Capacity screen and the
-- dashboard list, so that opening them reads one row a resource instead of
-- every sample and every forecast again. It is derived data, like the
-- relation graph's snapshot: not a record, not in the change log. A write
-- that changes what a forecast rests on (samples, upgrades) deletes the
-- rows it touches in its own transaction; the next reader works them out
-- again. A forecast's method is chosen on a held-out part as long as the
-- horizon (up to a fifth of the history), so a status is kept per horizon.
-- Times are Unix seconds of the first forecast step at or over the
-- threshold within the horizon; NULL: not within it; equal to last_at: the
-- last sample is at or over it already.
CREATE TABLE capacity_status (
    resource_id  INTEGER NOT NULL REFERENCES capacity_resource (id) ON DELETE CASCADE,
    horizon_days INTEGER NOT NULL,
    computed_at  TEXT    NOT NULL,
    problem     TEXT    NOT NULL DEFAULT '', -- why there is no forecast (too few samples)
    last_at     INTEGER NOT NULL DEFAULT 0,
    latest      REAL    NOT NULL DEFAULT 0,
    method      TEXT    NOT NULL DEFAULT '',
    rmse        REAL    NOT NULL DEFAULT 0,
    mape        REAL,                        -- NULL: not defined (a held-out value of zero)
    warning_at  INTEGER,
    critical_at INTEGER,
    full_at     INTEGER,
    upgrades    INTEGER NOT NULL DEFAULT 0,  -- planned upgrades within the horizon
    PRIMARY KEY (resource_id, horizon_days)
) WITHOUT ROWID;
