-- Coverage rules per unit, and published rotation plans.

CREATE TABLE coverage_rules (
    id BLOB PRIMARY KEY,
    unit_id BLOB NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    skill TEXT,
    min_onsite INTEGER NOT NULL CHECK (min_onsite >= 0),
    weekdays TEXT,
    created_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX coverage_rules_unit_idx ON coverage_rules (unit_id);

-- A published rotation plan: its days replace the agreement's weekdays for
-- its people (see the plan's precedence).
CREATE TABLE rotation_plans (
    id BLOB PRIMARY KEY,
    unit_id BLOB NOT NULL REFERENCES units (id),
    first_day TEXT NOT NULL,
    last_day TEXT NOT NULL,
    cost INTEGER NOT NULL,
    published_by BLOB NOT NULL REFERENCES people (id),
    published_at TEXT NOT NULL,
    superseded_at TEXT
);
CREATE INDEX rotation_plans_unit_idx ON rotation_plans (unit_id, first_day);

CREATE TABLE rotation_days (
    plan_id BLOB NOT NULL REFERENCES rotation_plans (id) ON DELETE CASCADE,
    person_id BLOB NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    state TEXT NOT NULL,
    PRIMARY KEY (person_id, day, plan_id)
);
CREATE INDEX rotation_days_plan_idx ON rotation_days (plan_id);

CREATE INDEX people_site_idx ON people (site_id);
