-- Commute data is a record type of its own in the disposal rules: a
-- person's commute goes a while after they left, even while the person is
-- kept (conservative default: 24 months after the last day).
INSERT INTO disposal_rules (record_type, keep_months, action, decision_ref, decision_date, updated_at, updated_by) VALUES
    ('commute', 24, 'delete', 'ej beslutad (standardvärde)', '2026-12-04', '2026-12-04 00:00:00+00', 'system');

-- A web session's metadata, for the person's own data: whose it is, when
-- it was made and last used, and how they signed in. Sessions made before
-- this carry none of it and expire by themselves.
ALTER TABLE sessions ADD COLUMN person_id UUID REFERENCES people (id) ON DELETE CASCADE;
ALTER TABLE sessions ADD COLUMN created_at TIMESTAMPTZ;
ALTER TABLE sessions ADD COLUMN last_used_at TIMESTAMPTZ;
ALTER TABLE sessions ADD COLUMN signed_in_by TEXT;
CREATE INDEX sessions_person_idx ON sessions (person_id);

-- The privacy notice shown at the first sign-in: the version the person
-- saw (0: the default texts) and when. A newer version is shown again.
ALTER TABLE people ADD COLUMN notice_seen_version BIGINT;
ALTER TABLE people ADD COLUMN notice_seen_at TIMESTAMPTZ;

-- The records officer ("arkivansvarig") is a role like the others.
ALTER TABLE person_roles DROP CONSTRAINT person_roles_role_check;
ALTER TABLE person_roles
    ADD CONSTRAINT person_roles_role_check CHECK (role IN ('hr', 'admin', 'auditor', 'director', 'records'));
