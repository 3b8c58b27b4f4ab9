-- Retention and disposal ("gallring"): one rule per record type, legal
-- holds that stop disposal, and the record each disposal run leaves.
CREATE TABLE disposal_rules (
    record_type TEXT PRIMARY KEY,
    keep_months INTEGER NOT NULL CHECK (keep_months >= 0 AND keep_months <= 1200),
    action TEXT NOT NULL CHECK (action IN ('delete', 'anonymise', 'keep')),
    decision_ref TEXT NOT NULL,
    decision_date TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);

-- Conservative defaults, until the organisation's own plan is entered
-- (docs/personal-data.md).
INSERT INTO disposal_rules (record_type, keep_months, action, decision_ref, decision_date, updated_at, updated_by) VALUES
    ('declined_request', 24, 'delete', 'ej beslutad (standardvärde)', '2026-12-04', '2026-12-04T00:00:00Z', 'system'),
    ('ended_agreement', 24, 'keep', 'ej beslutad (standardvärde)', '2026-12-04', '2026-12-04T00:00:00Z', 'system'),
    ('plan_days', 24, 'delete', 'ej beslutad (standardvärde)', '2026-12-04', '2026-12-04T00:00:00Z', 'system'),
    ('absences', 24, 'delete', 'ej beslutad (standardvärde)', '2026-12-04', '2026-12-04T00:00:00Z', 'system'),
    ('follow_ups', 60, 'keep', 'ej beslutad (standardvärde)', '2026-12-04', '2026-12-04T00:00:00Z', 'system'),
    ('risk_assessments', 60, 'keep', 'ej beslutad (standardvärde)', '2026-12-04', '2026-12-04T00:00:00Z', 'system'),
    ('deviations', 60, 'keep', 'ej beslutad (standardvärde)', '2026-12-04', '2026-12-04T00:00:00Z', 'system'),
    ('notifications', 12, 'delete', 'ej beslutad (standardvärde)', '2026-12-04', '2026-12-04T00:00:00Z', 'system'),
    ('sessions', 0, 'delete', 'ej beslutad (standardvärde)', '2026-12-04', '2026-12-04T00:00:00Z', 'system'),
    ('deactivated_people', 24, 'keep', 'ej beslutad (standardvärde)', '2026-12-04', '2026-12-04T00:00:00Z', 'system'),
    ('audit_payloads', 120, 'keep', 'ej beslutad (standardvärde)', '2026-12-04', '2026-12-04T00:00:00Z', 'system');

-- A hold is on a person (every record about them) or on one record; it
-- names what it holds as the audit log does (entity and id as text), so
-- that the audit payloads about it are held too.
CREATE TABLE legal_holds (
    id BLOB PRIMARY KEY,
    person_id BLOB REFERENCES people (id),
    record_kind TEXT,
    record_id BLOB,
    held_entity TEXT NOT NULL,
    held_entity_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    placed_at TEXT NOT NULL,
    placed_by TEXT NOT NULL,
    lifted_at TEXT,
    lifted_by TEXT,
    CHECK ((person_id IS NULL) <> (record_id IS NULL)),
    CHECK ((record_kind IS NULL) = (record_id IS NULL))
);
CREATE INDEX legal_holds_person_idx ON legal_holds (person_id);
CREATE INDEX legal_holds_record_idx ON legal_holds (record_kind, record_id);
CREATE INDEX legal_holds_entity_idx ON legal_holds (held_entity, held_entity_id);

-- Kept for good: what each run disposed of, by rule and type.
CREATE TABLE disposal_runs (
    id BLOB PRIMARY KEY,
    at TEXT NOT NULL,
    as_of TEXT NOT NULL,
    by_name TEXT NOT NULL,
    counts TEXT NOT NULL
);
CREATE INDEX disposal_runs_at_idx ON disposal_runs (at);

-- A deactivated person whose keeping period is over may be anonymised.
ALTER TABLE people ADD COLUMN anonymised_at TEXT;
