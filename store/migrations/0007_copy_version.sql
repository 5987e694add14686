-- The distribution list is the register of who holds which version of a
-- plan: each copy records the version it was issued at. Copies issued
-- before this column existed say nothing about their version ('').
ALTER TABLE distribution ADD COLUMN version TEXT NOT NULL DEFAULT '';
