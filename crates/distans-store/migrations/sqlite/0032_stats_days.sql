-- The statistics' daily counts: for each day that has been counted, the
-- plan's exceptions (published rotation days, occasional days, absent days)
-- counted by unit, site, commute mode, kind and the state they override.
-- A year's remote share then adds up these rows instead of deriving every
-- exception again (see docs/statistics.md, "Daily counts").
--
-- `stats_days` lists the days whose counts are current. Every write that
-- could change a day's counts removes that day from it, in the same
-- transaction, through the triggers below; the next question about the day
-- counts it again. Counts of a day not listed are never read.
CREATE TABLE stats_days (
    day TEXT PRIMARY KEY
);

CREATE TABLE stats_day_counts (
    day TEXT NOT NULL,
    unit_id BLOB NOT NULL,
    site_id BLOB,
    mode TEXT,
    kind INTEGER NOT NULL,
    half INTEGER NOT NULL,
    state TEXT NOT NULL,
    base TEXT NOT NULL,
    n INTEGER NOT NULL,
    km REAL NOT NULL
);
CREATE INDEX stats_day_counts_day_idx ON stats_day_counts (day);

-- An occasional day or a rotation day: its own day.
CREATE TRIGGER stats_occasional_insert AFTER INSERT ON occasional_days BEGIN
    DELETE FROM stats_days WHERE day = NEW.day;
END;
CREATE TRIGGER stats_occasional_update AFTER UPDATE ON occasional_days BEGIN
    DELETE FROM stats_days WHERE day = OLD.day OR day = NEW.day;
END;
CREATE TRIGGER stats_occasional_delete AFTER DELETE ON occasional_days BEGIN
    DELETE FROM stats_days WHERE day = OLD.day;
END;
CREATE TRIGGER stats_rotation_day_insert AFTER INSERT ON rotation_days BEGIN
    DELETE FROM stats_days WHERE day = NEW.day;
END;
CREATE TRIGGER stats_rotation_day_update AFTER UPDATE ON rotation_days BEGIN
    DELETE FROM stats_days WHERE day = OLD.day OR day = NEW.day;
END;
CREATE TRIGGER stats_rotation_day_delete AFTER DELETE ON rotation_days BEGIN
    DELETE FROM stats_days WHERE day = OLD.day;
END;

-- A rotation plan published over or superseded: its period.
CREATE TRIGGER stats_rotation_plan_update AFTER UPDATE ON rotation_plans BEGIN
    DELETE FROM stats_days WHERE (day >= OLD.first_day AND day <= OLD.last_day)
        OR (day >= NEW.first_day AND day <= NEW.last_day);
END;
CREATE TRIGGER stats_rotation_plan_delete AFTER DELETE ON rotation_plans BEGIN
    DELETE FROM stats_days WHERE day >= OLD.first_day AND day <= OLD.last_day;
END;

-- An absence: every day it covers.
CREATE TRIGGER stats_absence_insert AFTER INSERT ON absences BEGIN
    DELETE FROM stats_days WHERE day >= NEW.first_day AND day <= NEW.last_day;
END;
CREATE TRIGGER stats_absence_update AFTER UPDATE ON absences BEGIN
    DELETE FROM stats_days WHERE (day >= OLD.first_day AND day <= OLD.last_day)
        OR (day >= NEW.first_day AND day <= NEW.last_day);
END;
CREATE TRIGGER stats_absence_delete AFTER DELETE ON absences BEGIN
    DELETE FROM stats_days WHERE day >= OLD.first_day AND day <= OLD.last_day;
END;

-- The days a person has an exception on (of the absences: the counted days
-- they cover).
CREATE VIEW stats_exception_days (person_id, day) AS
    SELECT person_id, day FROM occasional_days
    UNION ALL SELECT person_id, day FROM rotation_days
    UNION ALL SELECT ab.person_id, s.day FROM absences ab
        JOIN stats_days s ON s.day >= ab.first_day AND s.day <= ab.last_day;

-- An agreement changes the state its person's exceptions override; a
-- person's unit, site, commute or last day changes where and how their
-- exceptions count: the days the person has an exception on.
CREATE TRIGGER stats_agreement_insert AFTER INSERT ON agreements BEGIN
    DELETE FROM stats_days WHERE day IN
        (SELECT day FROM stats_exception_days WHERE person_id = NEW.person_id);
END;
CREATE TRIGGER stats_agreement_update AFTER UPDATE ON agreements BEGIN
    DELETE FROM stats_days WHERE day IN
        (SELECT day FROM stats_exception_days WHERE person_id IN (OLD.person_id, NEW.person_id));
END;
CREATE TRIGGER stats_agreement_delete AFTER DELETE ON agreements BEGIN
    DELETE FROM stats_days WHERE day IN
        (SELECT day FROM stats_exception_days WHERE person_id = OLD.person_id);
END;
CREATE TRIGGER stats_person_update AFTER UPDATE ON people
WHEN OLD.unit_id IS NOT NEW.unit_id OR OLD.site_id IS NOT NEW.site_id
  OR OLD.commute_km IS NOT NEW.commute_km OR OLD.commute_mode IS NOT NEW.commute_mode
  OR OLD.last_day IS NOT NEW.last_day
BEGIN
    DELETE FROM stats_days WHERE day IN
        (SELECT day FROM stats_exception_days WHERE person_id = NEW.id);
END;
-- A person removed (rare: disposal) or a unit moved to another site: every day.
CREATE TRIGGER stats_person_delete AFTER DELETE ON people BEGIN
    DELETE FROM stats_days;
END;
CREATE TRIGGER stats_unit_site AFTER UPDATE ON units
WHEN OLD.site_id IS NOT NEW.site_id
BEGIN
    DELETE FROM stats_days;
END;
