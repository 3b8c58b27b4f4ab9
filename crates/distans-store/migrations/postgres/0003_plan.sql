-- The plan: occasional days and absences (exceptions), closed days.

CREATE TABLE occasional_days (
    person_id UUID NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    day DATE NOT NULL,
    state TEXT NOT NULL,
    part TEXT,
    set_by UUID NOT NULL REFERENCES people (id),
    set_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (person_id, day)
);

CREATE TABLE absences (
    id UUID PRIMARY KEY,
    person_id UUID NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    first_day DATE NOT NULL,
    last_day DATE NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX absences_person_idx ON absences (person_id, first_day);

CREATE TABLE closed_days (
    day DATE PRIMARY KEY,
    name TEXT NOT NULL
);
