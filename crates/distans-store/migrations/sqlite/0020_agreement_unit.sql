-- The unit an agreement was made (or last confirmed) for. A person who
-- moves to another unit keeps their agreement only when a manager of the
-- new unit confirms it; until then the agreement's unit differs from the
-- person's, and that difference is the new manager's task. The mark says
-- which move the new managers were told of (once per move).
ALTER TABLE agreements ADD COLUMN unit_id BLOB REFERENCES units (id);
ALTER TABLE agreements ADD COLUMN move_told_unit_id BLOB;
UPDATE agreements SET unit_id = (SELECT p.unit_id FROM people p WHERE p.id = agreements.person_id);
CREATE INDEX agreements_unit_idx ON agreements (unit_id, state);
