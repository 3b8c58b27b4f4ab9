-- The policy counter: bumped by every change to the policy's versions, so
-- that each app server may remember the version in force on a day for as
-- long as the counter stands still (see 0034 for the sign-in counter, read
-- with it in one statement).
CREATE TABLE policy_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n BIGINT NOT NULL
);
INSERT INTO policy_epoch (id, n) VALUES (1, 1);

CREATE FUNCTION policy_epoch_bump() RETURNS trigger AS $$
BEGIN
    UPDATE policy_epoch SET n = n + 1 WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER policy_epoch_change AFTER INSERT OR UPDATE OR DELETE ON policy_versions
    FOR EACH STATEMENT EXECUTE FUNCTION policy_epoch_bump();

-- A person's choice whether colleagues see the days they are on site is
-- remembered with the rest of what a signed-in caller is.
CREATE TRIGGER auth_epoch_person_share AFTER UPDATE OF share_presence ON people
    FOR EACH ROW WHEN (OLD.share_presence IS DISTINCT FROM NEW.share_presence)
    EXECUTE FUNCTION auth_epoch_bump();

-- The calendar counter: bumped by every change to the closed days, so that
-- each app server may remember a period's closed days.
CREATE TABLE calendar_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n BIGINT NOT NULL
);
INSERT INTO calendar_epoch (id, n) VALUES (1, 1);

CREATE FUNCTION calendar_epoch_bump() RETURNS trigger AS $$
BEGIN
    UPDATE calendar_epoch SET n = n + 1 WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER calendar_epoch_change AFTER INSERT OR UPDATE OR DELETE ON closed_days
    FOR EACH STATEMENT EXECUTE FUNCTION calendar_epoch_bump();
