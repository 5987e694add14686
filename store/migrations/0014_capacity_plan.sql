-- Capacity plans (容量计划): per service or group of services, under the
-- same document control as continuity plans (package doccontrol): version
-- below 1.0 is a draft, approval keeps the approved content, every change
-- to approved content opens a new version; revisions, snapshots and the
-- distribution list in tables of the same shape as the continuity plan's.
CREATE TABLE capacity_plan (
    id             INTEGER PRIMARY KEY,
    doc_number     TEXT    NOT NULL UNIQUE CHECK (doc_number <> ''),  -- SM-03001
    title          TEXT    NOT NULL CHECK (title <> ''),
    owner          TEXT    NOT NULL DEFAULT '',
    approver       TEXT    NOT NULL DEFAULT '',
    classification TEXT    NOT NULL DEFAULT '内部使用',
    version        TEXT    NOT NULL DEFAULT '0.1',
    approved_at    TEXT    NOT NULL DEFAULT '',
    approved_by    TEXT    NOT NULL DEFAULT '',
    review_months  INTEGER NOT NULL DEFAULT 12 CHECK (review_months BETWEEN 1 AND 60),
    next_review    TEXT    NOT NULL DEFAULT '',
    horizon_days   INTEGER NOT NULL DEFAULT 180 CHECK (horizon_days BETWEEN 7 AND 1830),
    -- The sections ISO/IEC 20000-1 (2011 §6.5, 2018 §8.4.3) names.
    requirements   TEXT    NOT NULL DEFAULT '', -- capacity and performance requirements agreed with the customer
    demand         TEXT    NOT NULL DEFAULT '', -- current and forecast demand
    service_levels TEXT    NOT NULL DEFAULT '', -- expected impact of agreed availability, continuity and service levels
    upgrade_plan   TEXT    NOT NULL DEFAULT '', -- timescales, thresholds and costs for upgrades
    change_impact  TEXT    NOT NULL DEFAULT '', -- statutory, regulatory, contractual and organisational change
    technologies   TEXT    NOT NULL DEFAULT '', -- new technologies and techniques
    procedure      TEXT    NOT NULL DEFAULT '', -- the procedure that makes the analysis predictive
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    row_version    INTEGER NOT NULL DEFAULT 1
);
-- The services a plan covers; its resources are those of the services and
-- of every CI they depend on.
CREATE TABLE capacity_plan_service (
    plan_id INTEGER NOT NULL REFERENCES capacity_plan (id) ON DELETE CASCADE,
    ci_id   INTEGER NOT NULL REFERENCES ci (id),
    PRIMARY KEY (plan_id, ci_id)
);
CREATE TABLE capacity_plan_revision (
    id       INTEGER PRIMARY KEY,
    plan_id  INTEGER NOT NULL REFERENCES capacity_plan (id) ON DELETE CASCADE,
    version  TEXT    NOT NULL,
    change   TEXT    NOT NULL DEFAULT '',
    date     TEXT    NOT NULL,
    reviewer TEXT    NOT NULL DEFAULT '',
    approver TEXT    NOT NULL DEFAULT ''
);
CREATE TABLE capacity_plan_snapshot (
    plan_id     INTEGER NOT NULL REFERENCES capacity_plan (id) ON DELETE CASCADE,
    version     TEXT    NOT NULL,
    approved_at TEXT    NOT NULL DEFAULT '',
    approved_by TEXT    NOT NULL DEFAULT '',
    content     TEXT    NOT NULL,
    PRIMARY KEY (plan_id, version)
);
CREATE TABLE capacity_plan_copy (
    id       INTEGER PRIMARY KEY,
    plan_id  INTEGER NOT NULL REFERENCES capacity_plan (id) ON DELETE CASCADE,
    copy_no  INTEGER NOT NULL,
    holder   TEXT    NOT NULL,
    location TEXT    NOT NULL DEFAULT '',
    issued   TEXT    NOT NULL DEFAULT '',
    version  TEXT    NOT NULL DEFAULT '',
    UNIQUE (plan_id, copy_no)
);
CREATE TABLE capacity_plan_review (
    id      INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES capacity_plan (id) ON DELETE CASCADE,
    at      TEXT    NOT NULL,
    by      TEXT    NOT NULL,
    outcome TEXT    NOT NULL CHECK (outcome IN ('adequate', 'update')),
    notes   TEXT    NOT NULL DEFAULT ''
);
