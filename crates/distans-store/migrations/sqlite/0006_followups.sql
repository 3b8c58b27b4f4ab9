-- Follow-ups: checklist templates as versioned data, follow-ups
-- scheduled from agreements and development talks, the answers given
-- together by the employee and a manager, and the actions risks lead to.

-- Every save of a template is a new row; old versions are kept because
-- answers refer to the version they answered.
CREATE TABLE checklist_templates (
    key TEXT NOT NULL,
    version INTEGER NOT NULL,
    title TEXT NOT NULL,
    questions TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (key, version)
);

CREATE TABLE followups (
    id BLOB PRIMARY KEY,
    kind TEXT NOT NULL,
    person_id BLOB NOT NULL REFERENCES people (id),
    agreement_id BLOB REFERENCES agreements (id),
    due_date TEXT NOT NULL,
    -- open, done or cancelled (due/overdue is computed from today)
    state TEXT NOT NULL,
    template_key TEXT NOT NULL,
    template_version INTEGER,
    answers TEXT NOT NULL,
    comments TEXT NOT NULL,
    employee_confirmed_by BLOB REFERENCES people (id),
    employee_confirmed_at TEXT,
    manager_confirmed_by BLOB REFERENCES people (id),
    manager_confirmed_at TEXT,
    completed_at TEXT,
    -- set once by the first server to remind (due soon / overdue)
    reminded_at TEXT,
    overdue_reminded_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX followups_state_due_idx ON followups (state, due_date);
CREATE INDEX followups_person_due_idx ON followups (person_id, due_date);
CREATE INDEX followups_agreement_idx ON followups (agreement_id, state);

CREATE TABLE followup_actions (
    id BLOB PRIMARY KEY,
    followup_id BLOB NOT NULL REFERENCES followups (id),
    question_id TEXT NOT NULL,
    description TEXT NOT NULL,
    owner_id BLOB NOT NULL REFERENCES people (id),
    due_date TEXT NOT NULL,
    -- open or closed
    state TEXT NOT NULL,
    note TEXT,
    closed_by BLOB REFERENCES people (id),
    closed_at TEXT,
    reminded_at TEXT,
    created_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX followup_actions_followup_idx ON followup_actions (followup_id);
CREATE INDEX followup_actions_owner_idx ON followup_actions (owner_id, state);
CREATE INDEX followup_actions_state_due_idx ON followup_actions (state, due_date);
