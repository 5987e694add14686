-- A configuration audit's scope can also be the CI list's filter: a status
-- and a criticality, beside type, location and service tree.
ALTER TABLE config_audit ADD COLUMN scope_status TEXT NOT NULL DEFAULT '';
ALTER TABLE config_audit ADD COLUMN scope_criticality INTEGER NOT NULL DEFAULT 0;
