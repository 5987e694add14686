-- The dashboard counts CIs by type and status: with this index SQLite
-- counts from the index alone (10 ms at 100k CIs) instead of reading every
-- CI row (360 ms).
CREATE INDEX ci_type_status ON ci (type_id, status);
