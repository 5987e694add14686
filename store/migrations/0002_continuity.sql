-- Service continuity and availability (ISO/IEC 20000-1 2011 §6.3).

-- People and suppliers a plan calls on.
CREATE TABLE contact (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL CHECK (name <> ''),
    organisation TEXT    NOT NULL DEFAULT '',
    phone        TEXT    NOT NULL DEFAULT '',
    mobile       TEXT    NOT NULL DEFAULT '',
    email        TEXT    NOT NULL DEFAULT '',
    supplier     INTEGER NOT NULL DEFAULT 0 CHECK (supplier IN (0, 1))
);

CREATE TABLE plan (
    id                   INTEGER PRIMARY KEY,
    doc_number           TEXT    NOT NULL UNIQUE CHECK (doc_number <> ''),  -- SM-02002
    title                TEXT    NOT NULL CHECK (title <> ''),
    service_id           INTEGER NOT NULL REFERENCES ci (id),
    owner                TEXT    NOT NULL DEFAULT '',
    approver             TEXT    NOT NULL DEFAULT '',
    classification       TEXT    NOT NULL DEFAULT '内部使用',
    version              TEXT    NOT NULL DEFAULT '0.1',     -- below 1.0 is a draft
    approved_at          TEXT    NOT NULL DEFAULT '',
    approved_by          TEXT    NOT NULL DEFAULT '',
    review_months        INTEGER NOT NULL DEFAULT 12 CHECK (review_months BETWEEN 1 AND 60),
    next_review          TEXT    NOT NULL DEFAULT '',        -- YYYY-MM-DD
    needs_review         INTEGER NOT NULL DEFAULT 0 CHECK (needs_review IN (0, 1)),
    needs_review_reason  TEXT    NOT NULL DEFAULT '',
    retest_required      INTEGER NOT NULL DEFAULT 0 CHECK (retest_required IN (0, 1)),
    -- change_log id up to which CMDB changes have been assessed for this plan
    assessed_change_id   INTEGER NOT NULL DEFAULT 0,
    scope                TEXT    NOT NULL DEFAULT '',
    invocation           TEXT    NOT NULL DEFAULT '',
    major_loss           TEXT    NOT NULL DEFAULT '',
    availability_invoked TEXT    NOT NULL DEFAULT '',
    recovery             TEXT    NOT NULL DEFAULT '',
    return_to_normal     TEXT    NOT NULL DEFAULT '',
    rto_minutes          INTEGER NOT NULL DEFAULT 0 CHECK (rto_minutes >= 0),
    rpo_minutes          INTEGER NOT NULL DEFAULT 0 CHECK (rpo_minutes >= 0),
    mtpd_minutes         INTEGER NOT NULL DEFAULT 0 CHECK (mtpd_minutes >= 0),
    min_service_level    TEXT    NOT NULL DEFAULT '',
    created_at           TEXT    NOT NULL,
    updated_at           TEXT    NOT NULL,
    row_version          INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX plan_service ON plan (service_id);

-- Document control: every version of the plan.
CREATE TABLE plan_revision (
    id       INTEGER PRIMARY KEY,
    plan_id  INTEGER NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    version  TEXT    NOT NULL,
    change   TEXT    NOT NULL DEFAULT '',
    date     TEXT    NOT NULL,
    reviewer TEXT    NOT NULL DEFAULT '',
    approver TEXT    NOT NULL DEFAULT ''
);

CREATE TABLE plan_step (
    id               INTEGER PRIMARY KEY,
    plan_id          INTEGER NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    phase            TEXT    NOT NULL CHECK (phase IN ('activation', 'recovery', 'reconstitution')),
    ord              INTEGER NOT NULL,
    who              TEXT    NOT NULL DEFAULT '',   -- a role of the call tree, or a name
    action           TEXT    NOT NULL CHECK (action <> ''),
    location         TEXT    NOT NULL DEFAULT '',
    duration_minutes INTEGER NOT NULL DEFAULT 0 CHECK (duration_minutes >= 0)
);
CREATE TABLE plan_step_dependency (
    step_id       INTEGER NOT NULL REFERENCES plan_step (id) ON DELETE CASCADE,
    depends_on_id INTEGER NOT NULL REFERENCES plan_step (id) ON DELETE CASCADE,
    PRIMARY KEY (step_id, depends_on_id),
    CHECK (step_id <> depends_on_id)
);

-- The call tree: a primary and an alternate for each role, in escalation order.
CREATE TABLE plan_role (
    id           INTEGER PRIMARY KEY,
    plan_id      INTEGER NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    role         TEXT    NOT NULL CHECK (role <> ''),
    escalation   INTEGER NOT NULL DEFAULT 1,
    primary_id   INTEGER REFERENCES contact (id),
    alternate_id INTEGER REFERENCES contact (id),
    UNIQUE (plan_id, role)
);

CREATE TABLE plan_ci (
    plan_id INTEGER NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    ci_id   INTEGER NOT NULL REFERENCES ci (id),
    PRIMARY KEY (plan_id, ci_id)
);

CREATE TABLE distribution (
    id       INTEGER PRIMARY KEY,
    plan_id  INTEGER NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    copy_no  INTEGER NOT NULL,
    holder   TEXT    NOT NULL,
    location TEXT    NOT NULL DEFAULT '',
    issued   TEXT    NOT NULL DEFAULT '',
    UNIQUE (plan_id, copy_no)
);

-- Exercises and real invocations; each is followed by a review.
CREATE TABLE exercise (
    id           INTEGER PRIMARY KEY,
    plan_id      INTEGER NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('walkthrough', 'tabletop', 'call_tree', 'simulation', 'partial',
                                                  'full_interruption', 'invocation')),
    planned      TEXT    NOT NULL DEFAULT '',
    held         TEXT    NOT NULL DEFAULT '',
    participants TEXT    NOT NULL DEFAULT '',
    objectives   TEXT    NOT NULL DEFAULT '',
    result       TEXT    NOT NULL DEFAULT '' CHECK (result IN ('', 'passed', 'passed_with_issues', 'failed')),
    findings     TEXT    NOT NULL DEFAULT '',
    reviewed_at  TEXT    NOT NULL DEFAULT '',
    reviewed_by  TEXT    NOT NULL DEFAULT '',
    review_notes TEXT    NOT NULL DEFAULT ''
);

-- Plan reviews: after exercises and invocations, at the review interval,
-- and to clear a needs-review flag.
CREATE TABLE plan_review (
    id          INTEGER PRIMARY KEY,
    plan_id     INTEGER NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    exercise_id INTEGER REFERENCES exercise (id),
    at          TEXT    NOT NULL,
    by          TEXT    NOT NULL,
    notes       TEXT    NOT NULL DEFAULT '',
    cleared     TEXT    NOT NULL DEFAULT ''   -- the needs-review reason this review cleared
);

CREATE TABLE action (
    id           INTEGER PRIMARY KEY,
    plan_id      INTEGER NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    exercise_id  INTEGER REFERENCES exercise (id),
    description  TEXT    NOT NULL CHECK (description <> ''),
    owner        TEXT    NOT NULL DEFAULT '',
    due          TEXT    NOT NULL DEFAULT '',
    status       TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    verification TEXT    NOT NULL DEFAULT '',
    closed_at    TEXT    NOT NULL DEFAULT ''
);

CREATE TABLE availability_target (
    service_id     INTEGER PRIMARY KEY REFERENCES ci (id),
    target_percent REAL    NOT NULL CHECK (target_percent > 0 AND target_percent <= 100),
    period         TEXT    NOT NULL DEFAULT 'month' CHECK (period IN ('month', 'quarter', 'year')),
    service_hours  TEXT    NOT NULL DEFAULT '7×24',
    time_zone      TEXT    NOT NULL DEFAULT 'Asia/Shanghai',
    planned_policy TEXT    NOT NULL DEFAULT 'excluded' CHECK (planned_policy IN ('excluded', 'counted'))
);

CREATE TABLE outage (
    id            INTEGER PRIMARY KEY,
    service_id    INTEGER NOT NULL REFERENCES ci (id),
    cause_ci_id   INTEGER REFERENCES ci (id),
    starts_at     TEXT    NOT NULL,             -- UTC RFC 3339
    ends_at       TEXT    NOT NULL DEFAULT '',  -- '' while open
    planned       INTEGER NOT NULL DEFAULT 0 CHECK (planned IN (0, 1)),
    partial       INTEGER NOT NULL DEFAULT 0 CHECK (partial IN (0, 1)),
    description   TEXT    NOT NULL DEFAULT '',
    investigation TEXT    NOT NULL DEFAULT 'open' CHECK (investigation IN ('open', 'investigating', 'closed')),
    cause         TEXT    NOT NULL DEFAULT '',
    actions       TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX outage_service ON outage (service_id, starts_at);
