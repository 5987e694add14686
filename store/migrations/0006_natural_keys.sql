-- Natural keys are unique in the schema, so that two imports of one file
-- at once can never both create a record (the create-or-update decision is
-- also made inside each import's write transaction).

-- Outages: a service has one outage starting at a given moment. Copies
-- that concurrent imports made before this key existed are removed, each
-- kept in the change log as a deletion by this migration.
INSERT INTO change_log (at, who, source, entity, entity_id, field, old_value, new_value)
SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'servicebook', 'migration 6', 'outage', o.id, 'deleted',
       'duplicate of outage ' || (SELECT min(d.id) FROM outage d WHERE d.service_id = o.service_id AND d.starts_at = o.starts_at)
       || ': ' || o.starts_at || ' – ' || o.ends_at || ' ' || o.description || '; investigation ' || o.investigation, ''
FROM outage o
WHERE o.id > (SELECT min(d.id) FROM outage d WHERE d.service_id = o.service_id AND d.starts_at = o.starts_at);
DELETE FROM outage
WHERE id > (SELECT min(d.id) FROM outage d WHERE d.service_id = outage.service_id AND d.starts_at = outage.starts_at);
CREATE UNIQUE INDEX outage_natural ON outage (service_id, starts_at);

-- Budget lines: a line is its fiscal year, service or pool, category,
-- accounts, description and version; a revised line also has the number
-- of its revision (1, 2, …), since an approved revision can be revised
-- again. Existing revisions are numbered in the order they were made.
ALTER TABLE budget_line ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
UPDATE budget_line SET revision = (
    SELECT count(*) FROM budget_line e
    WHERE e.fy_id = budget_line.fy_id AND coalesce(e.service_id, 0) = coalesce(budget_line.service_id, 0)
      AND e.pool = budget_line.pool AND e.category = budget_line.category AND e.gl_account = budget_line.gl_account
      AND e.cost_centre = budget_line.cost_centre AND e.description = budget_line.description
      AND e.version = 'revised' AND e.id <= budget_line.id)
WHERE version = 'revised';
-- Copies of an unrevised line that concurrent imports made are removed
-- (their amounts go with them), each in the change log.
INSERT INTO change_log (at, who, source, entity, entity_id, field, old_value, new_value)
SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'servicebook', 'migration 6', 'budget_line', l.id, 'deleted',
       'duplicate of line ' || (SELECT min(d.id) FROM budget_line d WHERE d.fy_id = l.fy_id
           AND coalesce(d.service_id, 0) = coalesce(l.service_id, 0) AND d.pool = l.pool AND d.category = l.category
           AND d.gl_account = l.gl_account AND d.cost_centre = l.cost_centre AND d.description = l.description
           AND d.version = l.version AND d.revision = l.revision), ''
FROM budget_line l
WHERE l.id > (SELECT min(d.id) FROM budget_line d WHERE d.fy_id = l.fy_id
    AND coalesce(d.service_id, 0) = coalesce(l.service_id, 0) AND d.pool = l.pool AND d.category = l.category
    AND d.gl_account = l.gl_account AND d.cost_centre = l.cost_centre AND d.description = l.description
    AND d.version = l.version AND d.revision = l.revision);
DELETE FROM budget_line
WHERE id > (SELECT min(d.id) FROM budget_line d WHERE d.fy_id = budget_line.fy_id
    AND coalesce(d.service_id, 0) = coalesce(budget_line.service_id, 0) AND d.pool = budget_line.pool
    AND d.category = budget_line.category AND d.gl_account = budget_line.gl_account
    AND d.cost_centre = budget_line.cost_centre AND d.description = budget_line.description
    AND d.version = budget_line.version AND d.revision = budget_line.revision);
CREATE UNIQUE INDEX budget_line_natural ON budget_line
    (fy_id, coalesce(service_id, 0), pool, category, gl_account, cost_centre, description, version, revision);

-- A new revised line takes the next revision number of its line, whichever
-- part of the program writes it.
CREATE TRIGGER budget_line_revision AFTER INSERT ON budget_line
WHEN NEW.version = 'revised' AND NEW.revision = 0
BEGIN
    UPDATE budget_line SET revision = (
        SELECT coalesce(max(e.revision), 0) + 1 FROM budget_line e
        WHERE e.fy_id = NEW.fy_id AND coalesce(e.service_id, 0) = coalesce(NEW.service_id, 0) AND e.pool = NEW.pool
          AND e.category = NEW.category AND e.gl_account = NEW.gl_account AND e.cost_centre = NEW.cost_centre
          AND e.description = NEW.description AND e.version = 'revised' AND e.id <> NEW.id)
    WHERE id = NEW.id;
END;
