-- Configuration audits (ISO/IEC 20000-1:2011 9.1, 2018 8.2.6): the CMDB
-- verified against what is really there. Starting an audit freezes the
-- CMDB as a baseline (its lines are what the checklist prints and what the
-- found inventory is compared with, even if the CMDB changes during the
-- audit); config_audit_ci names the baseline's CIs within the scope.
CREATE TABLE config_audit (
    id              INTEGER PRIMARY KEY,
    title           TEXT    NOT NULL CHECK (title <> ''),
    scope_type      TEXT    NOT NULL DEFAULT '',  -- a CI type's key, or '' for every type
    scope_location  TEXT    NOT NULL DEFAULT '',  -- CIs whose location contains this text
    scope_service   TEXT    NOT NULL DEFAULT '',  -- a service's reference: it and what it depends on
    baseline_id     INTEGER NOT NULL REFERENCES baseline (id),
    auditor         TEXT    NOT NULL,
    started_at      TEXT    NOT NULL,
    started_by      TEXT    NOT NULL,
    reconciled_at   TEXT    NOT NULL DEFAULT '',
    found_file      TEXT    NOT NULL DEFAULT '',
    match_keys      TEXT    NOT NULL DEFAULT '',  -- the keys the reconciliation matched by, in order
    matched         INTEGER NOT NULL DEFAULT 0,
    equal           INTEGER NOT NULL DEFAULT 0,
    closed_at       TEXT    NOT NULL DEFAULT '',
    closed_by       TEXT    NOT NULL DEFAULT '',
    row_version     INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE config_audit_ci (
    audit_id INTEGER NOT NULL REFERENCES config_audit (id) ON DELETE CASCADE,
    ci_id    INTEGER NOT NULL,  -- baseline_ci.ci_id of the audit's baseline
    PRIMARY KEY (audit_id, ci_id)
) WITHOUT ROWID;

-- A finding is one difference between recorded and found: a field that
-- differs, a CI recorded but not found, an item found but not recorded, or
-- an auditor's remark. found_data keeps a found-but-not-recorded item's
-- values (JSON) so that it can become a CI.
CREATE TABLE config_audit_finding (
    id           INTEGER PRIMARY KEY,
    audit_id     INTEGER NOT NULL REFERENCES config_audit (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('different', 'not_found', 'not_recorded', 'remark')),
    ci_id        INTEGER,            -- NULL for an item found but not recorded
    ref          TEXT    NOT NULL DEFAULT '',
    field        TEXT    NOT NULL DEFAULT '',
    recorded     TEXT    NOT NULL DEFAULT '',
    found        TEXT    NOT NULL DEFAULT '',
    found_at     TEXT    NOT NULL DEFAULT '',  -- where in the found file: sheet and row
    found_data   TEXT    NOT NULL DEFAULT '{}',
    resolution   TEXT    NOT NULL DEFAULT '' CHECK (resolution IN ('', 'corrected', 'accepted', 'action')),
    note         TEXT    NOT NULL DEFAULT '',
    action_owner TEXT    NOT NULL DEFAULT '',
    action_due   TEXT    NOT NULL DEFAULT '',
    resolved_at  TEXT    NOT NULL DEFAULT '',
    resolved_by  TEXT    NOT NULL DEFAULT '',
    row_version  INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX config_audit_finding_audit ON config_audit_finding (audit_id, id);
