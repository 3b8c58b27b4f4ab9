-- The plan: occasional days and absences (exceptions), closed days.

CREATE TABLE occasional_days (
    person_id BLOB NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    state TEXT NOT NULL,
    part TEXT,
    set_by BLOB NOT NULL REFERENCES people (id),
    set_at TEXT NOT NULL,
    PRIMARY KEY (person_id, day)
);

CREATE TABLE absences (
    id BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    first_day TEXT NOT NULL,
    last_day TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX absences_person_idx ON absences (person_id, first_day);

CREATE TABLE closed_days (
    day TEXT PRIMARY KEY,
    name TEXT NOT NULL
);
