-- Finding the line an imported row updates looks up its identity (service
-- or pool, category, accounts, description, version) inside the import's
-- transaction; without an index each lookup read every line of the year.
CREATE INDEX budget_line_identity ON budget_line
    (fy_id, coalesce(service_id, 0), pool, category, gl_account, cost_centre, description, version);
