-- The policy counter: bumped by every change to the policy's versions, so
-- that each app server may remember the version in force on a day for as
-- long as the counter stands still (see 0034 for the sign-in counter, read
-- with it in one statement).
CREATE TABLE policy_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n BIGINT NOT NULL
);
INSERT INTO policy_epoch (id, n) VALUES (1, 1);

CREATE TRIGGER policy_epoch_insert AFTER INSERT ON policy_versions
BEGIN
    UPDATE policy_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER policy_epoch_update AFTER UPDATE ON policy_versions
BEGIN
    UPDATE policy_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER policy_epoch_delete AFTER DELETE ON policy_versions
BEGIN
    UPDATE policy_epoch SET n = n + 1 WHERE id = 1;
END;

-- A person's choice whether colleagues see the days they are on site is
-- remembered with the rest of what a signed-in caller is.
CREATE TRIGGER auth_epoch_person_share AFTER UPDATE OF share_presence ON people
    WHEN OLD.share_presence IS NOT NEW.share_presence
BEGIN
    UPDATE auth_epoch SET n = n + 1 WHERE id = 1;
END;

-- The calendar counter: bumped by every change to the closed days, so that
-- each app server may remember a period's closed days.
CREATE TABLE calendar_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n BIGINT NOT NULL
);
INSERT INTO calendar_epoch (id, n) VALUES (1, 1);
CREATE TRIGGER calendar_epoch_insert AFTER INSERT ON closed_days
BEGIN
    UPDATE calendar_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER calendar_epoch_update AFTER UPDATE ON closed_days
BEGIN
    UPDATE calendar_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER calendar_epoch_delete AFTER DELETE ON closed_days
BEGIN
    UPDATE calendar_epoch SET n = n + 1 WHERE id = 1;
END;
