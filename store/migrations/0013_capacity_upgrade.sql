-- Planned capacity upgrades: a resource gains capacity on a date, at a
-- cost. An upgrade with a cost proposes a budget line for its service in
-- the fiscal year of its date (capex, assets, the month of the date);
-- budget_line_id links the two both ways (the line's id here, and the
-- line is found from the upgrade). A line that was approved stays when
-- the upgrade is cancelled: it is the record of a decision.
CREATE TABLE capacity_upgrade (
    id             INTEGER PRIMARY KEY,
    resource_id    INTEGER NOT NULL REFERENCES capacity_resource (id),
    planned        TEXT    NOT NULL,            -- YYYY-MM-DD
    adds           REAL    NOT NULL CHECK (adds > 0),
    cost           INTEGER NOT NULL DEFAULT 0 CHECK (cost >= 0), -- minor units (fen)
    supplier       TEXT    NOT NULL DEFAULT '',
    service_id     INTEGER REFERENCES ci (id),
    budget_line_id INTEGER REFERENCES budget_line (id) ON DELETE SET NULL,
    status         TEXT    NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'cancelled'))
);
CREATE INDEX capacity_upgrade_resource ON capacity_upgrade (resource_id, planned);
