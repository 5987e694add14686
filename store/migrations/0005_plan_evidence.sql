-- Approved content is evidence: what a plan said when it was approved is
-- kept, whatever changes later, for the "changes since approval" page and
-- for the auditor. content is JSON: the plan's fields, steps, call tree and
-- linked CIs as they were approved.
CREATE TABLE plan_snapshot (
    plan_id     INTEGER NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    version     TEXT    NOT NULL,
    approved_at TEXT    NOT NULL DEFAULT '',
    approved_by TEXT    NOT NULL DEFAULT '',
    content     TEXT    NOT NULL,
    PRIMARY KEY (plan_id, version)
);

-- Every change that may affect a plan is kept as a reason until a review
-- covers it; a review clears only the reasons it was shown.
CREATE TABLE plan_review_reason (
    id         INTEGER PRIMARY KEY,
    plan_id    INTEGER NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    change_id  INTEGER NOT NULL DEFAULT 0,     -- the change_log entry that raised it
    at         TEXT    NOT NULL,
    reason     TEXT    NOT NULL,
    retest     INTEGER NOT NULL DEFAULT 0 CHECK (retest IN (0, 1)),
    review_id  INTEGER REFERENCES plan_review (id)   -- NULL until a review covers it
);
CREATE INDEX plan_review_reason_open ON plan_review_reason (plan_id, review_id);

-- A flag raised before this table existed becomes its first reason.
INSERT INTO plan_review_reason (plan_id, at, reason, retest)
    SELECT id, updated_at, needs_review_reason, retest_required FROM plan WHERE needs_review = 1;

-- A review records what it concluded, not only who held it.
ALTER TABLE plan_review ADD COLUMN outcome TEXT NOT NULL DEFAULT '';
