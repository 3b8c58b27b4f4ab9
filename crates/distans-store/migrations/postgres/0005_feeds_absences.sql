-- Secret calendar feeds; absences keyed for re-import and with who entered
-- them; indexes the plan's organisation-wide queries need.

-- One secret per person. The secret itself is kept (not a hash) so that the
-- page and GET /api/v1/me/calendar can show the same URL again (design.md).
CREATE TABLE calendar_feeds (
    person_id UUID PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    secret TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT calendar_feeds_secret_key UNIQUE (secret)
);

-- An absence is known by its person and first day: a re-import of the same
-- file updates the last day instead of adding a second absence.
DROP INDEX absences_person_idx;
CREATE UNIQUE INDEX absences_person_first_key ON absences (person_id, first_day);
CREATE INDEX absences_last_day_idx ON absences (last_day, first_day);
ALTER TABLE absences ADD COLUMN source TEXT NOT NULL DEFAULT 'manual';
ALTER TABLE absences ADD COLUMN created_by UUID REFERENCES people (id);

-- Everyone's occasional days on a day ("who is in tomorrow").
CREATE INDEX occasional_days_day_idx ON occasional_days (day);
-- A person's active agreements; all active agreements from a day.
CREATE INDEX agreements_person_state_idx ON agreements (person_id, state);
CREATE INDEX agreements_state_idx ON agreements (state, start_date);
