-- The organisation edited in the app: a unit's deputy manager, and units
-- closed (kept for their history, gone from the tree).
ALTER TABLE units ADD COLUMN deputy_id BLOB REFERENCES people (id);
ALTER TABLE units ADD COLUMN closed_at TEXT;
CREATE INDEX units_deputy_idx ON units (deputy_id);
