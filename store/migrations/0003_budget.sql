-- Budgeting and accounting for services (ISO/IEC 20000-1 2011 §6.4).
-- Money is an integer count of minor units (fen, cents) of the fiscal
-- year's currency; never a float.

CREATE TABLE fiscal_year (
    id          INTEGER PRIMARY KEY,
    year        INTEGER NOT NULL UNIQUE,          -- the calendar year the fiscal year starts in
    start_month INTEGER NOT NULL DEFAULT 1 CHECK (start_month BETWEEN 1 AND 12),
    currency    TEXT    NOT NULL DEFAULT 'CNY' CHECK (length(currency) = 3)
);

CREATE TABLE budget_line (
    id          INTEGER PRIMARY KEY,
    fy_id       INTEGER NOT NULL REFERENCES fiscal_year (id) ON DELETE CASCADE,
    service_id  INTEGER REFERENCES ci (id),       -- a direct cost of a service, or
    pool        TEXT    NOT NULL DEFAULT '',      -- an indirect cost pool, allocated to services
    category    TEXT    NOT NULL CHECK (category IN ('assets', 'licences', 'resources', 'overheads',
                                                     'external', 'people', 'facilities')),
    capex       INTEGER NOT NULL DEFAULT 0 CHECK (capex IN (0, 1)),
    cost_centre TEXT    NOT NULL DEFAULT '',
    gl_account  TEXT    NOT NULL DEFAULT '',      -- text: leading zeros matter
    description TEXT    NOT NULL DEFAULT '',
    supplier    TEXT    NOT NULL DEFAULT '',
    version     TEXT    NOT NULL DEFAULT 'original' CHECK (version IN ('original', 'revised', 'forecast')),
    status      TEXT    NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'approved')),
    approver    TEXT    NOT NULL DEFAULT '',
    approved_at TEXT    NOT NULL DEFAULT '',
    source      TEXT    NOT NULL DEFAULT '',      -- the file it was imported from
    CHECK ((service_id IS NULL) <> (pool = ''))
);
CREATE INDEX budget_line_fy ON budget_line (fy_id, service_id);

-- Amounts by fiscal month (1 = the fiscal year's first month).
CREATE TABLE budget_amount (
    line_id INTEGER NOT NULL REFERENCES budget_line (id) ON DELETE CASCADE,
    month   INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    amount  INTEGER NOT NULL,
    PRIMARY KEY (line_id, month)
);

CREATE TABLE actual (
    id         INTEGER PRIMARY KEY,
    fy_id      INTEGER NOT NULL REFERENCES fiscal_year (id) ON DELETE CASCADE,
    service_id INTEGER REFERENCES ci (id),
    pool       TEXT    NOT NULL DEFAULT '',
    category   TEXT    NOT NULL,
    month      INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    amount     INTEGER NOT NULL,
    source     TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX actual_fy ON actual (fy_id, service_id, month);

-- How an indirect cost pool is shared among services.
CREATE TABLE allocation_rule (
    id     INTEGER PRIMARY KEY,
    fy_id  INTEGER NOT NULL REFERENCES fiscal_year (id) ON DELETE CASCADE,
    pool   TEXT    NOT NULL CHECK (pool <> ''),
    method TEXT    NOT NULL CHECK (method IN ('even', 'percent', 'driver')),
    driver TEXT    NOT NULL DEFAULT '',   -- for 'driver': headcount, users, ci_count, storage, or any name
    UNIQUE (fy_id, pool)
);
-- Per service: basis points for 'percent', the driver value (×1000) for
-- 'driver', membership for 'even'.
CREATE TABLE allocation_share (
    rule_id    INTEGER NOT NULL REFERENCES allocation_rule (id) ON DELETE CASCADE,
    service_id INTEGER NOT NULL REFERENCES ci (id),
    value      INTEGER NOT NULL CHECK (value >= 0),
    PRIMARY KEY (rule_id, service_id)
);

-- Saved column mappings for finance spreadsheets.
CREATE TABLE import_profile (
    name    TEXT PRIMARY KEY,
    kind    TEXT NOT NULL,
    mapping TEXT NOT NULL          -- JSON: field key -> header text
);
