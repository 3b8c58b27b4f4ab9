-- Deviations (avvikelser, product.md part 11): reported by anyone, handled
-- by the personnel manager of the concerned person's unit, with a trail.

CREATE TABLE deviations (
    id BLOB PRIMARY KEY,
    kind TEXT NOT NULL,
    description TEXT NOT NULL,
    occurred_on TEXT NOT NULL,
    serious INTEGER NOT NULL,
    -- Anonymous to the unit only: who reported is always kept (reporter_id).
    anonymous INTEGER NOT NULL,
    person_id BLOB NOT NULL REFERENCES people (id),
    -- The concerned person's unit when it was reported.
    unit_id BLOB NOT NULL REFERENCES units (id),
    reporter_id BLOB NOT NULL REFERENCES people (id),
    -- NULL: no manager above, HR handles it.
    responsible_id BLOB REFERENCES people (id),
    state TEXT NOT NULL,
    action TEXT,
    policy_version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX deviations_state_idx ON deviations (state, created_at);
CREATE INDEX deviations_reporter_idx ON deviations (reporter_id, created_at);
CREATE INDEX deviations_responsible_idx ON deviations (responsible_id, state);
CREATE INDEX deviations_unit_idx ON deviations (unit_id, state);

CREATE TABLE deviation_events (
    id BLOB PRIMARY KEY,
    deviation_id BLOB NOT NULL REFERENCES deviations (id),
    at TEXT NOT NULL,
    actor_id BLOB NOT NULL REFERENCES people (id),
    kind TEXT NOT NULL,
    text TEXT
);
CREATE INDEX deviation_events_deviation_idx ON deviation_events (deviation_id, at);
