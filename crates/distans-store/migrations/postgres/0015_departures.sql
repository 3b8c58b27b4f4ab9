-- People who leave: a person is deactivated at once (no sign-in, no session,
-- no token, no calendar feed) and is out of plans, coverage and the planner
-- from the day after their last day. Nothing of theirs is deleted.
ALTER TABLE people ADD COLUMN deactivated_at TIMESTAMPTZ;
ALTER TABLE people ADD COLUMN last_day DATE;
ALTER TABLE people ADD COLUMN departure_reason TEXT;
ALTER TABLE people ADD CONSTRAINT people_departure_check
    CHECK ((last_day IS NULL) = (deactivated_at IS NULL)
       AND (departure_reason IS NULL OR deactivated_at IS NOT NULL));
CREATE INDEX people_last_day_idx ON people (last_day);
