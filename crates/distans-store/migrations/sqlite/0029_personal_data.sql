-- Commute data is a record type of its own in the disposal rules: a
-- person's commute goes a while after they left, even while the person is
-- kept (conservative default: 24 months after the last day).
INSERT INTO disposal_rules (record_type, keep_months, action, decision_ref, decision_date, updated_at, updated_by) VALUES
    ('commute', 24, 'delete', 'ej beslutad (standardvärde)', '2026-12-04', '2026-12-04T00:00:00Z', 'system');

-- A web session's metadata, for the person's own data: whose it is, when
-- it was made and last used, and how they signed in. Sessions made before
-- this carry none of it and expire by themselves.
ALTER TABLE sessions ADD COLUMN person_id BLOB REFERENCES people (id) ON DELETE CASCADE;
ALTER TABLE sessions ADD COLUMN created_at TEXT;
ALTER TABLE sessions ADD COLUMN last_used_at TEXT;
ALTER TABLE sessions ADD COLUMN signed_in_by TEXT;
CREATE INDEX sessions_person_idx ON sessions (person_id);

-- The privacy notice shown at the first sign-in: the version the person
-- saw (0: the default texts) and when. A newer version is shown again.
ALTER TABLE people ADD COLUMN notice_seen_version INTEGER;
ALTER TABLE people ADD COLUMN notice_seen_at TEXT;

-- The records officer ("arkivansvarig") is a role like the others.
DROP TRIGGER person_roles_check_insert;
DROP TRIGGER person_roles_check_update;
CREATE TRIGGER person_roles_check_insert BEFORE INSERT ON person_roles
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: person_roles_role_check')
        WHERE NOT (NEW.role IN ('hr', 'admin', 'auditor', 'director', 'records'));
    SELECT RAISE(ABORT, 'CHECK constraint failed: person_roles_source_check')
        WHERE NOT (NEW.source IN ('local', 'scim'));
END;
CREATE TRIGGER person_roles_check_update BEFORE UPDATE OF role, source ON person_roles
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: person_roles_role_check')
        WHERE NOT (NEW.role IN ('hr', 'admin', 'auditor', 'director', 'records'));
    SELECT RAISE(ABORT, 'CHECK constraint failed: person_roles_source_check')
        WHERE NOT (NEW.source IN ('local', 'scim'));
END;
