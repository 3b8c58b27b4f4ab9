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
--
-- Writers and the counting must not overlap: a count read from a snapshot
-- taken before a writer commits would otherwise be listed as current after
-- the writer removed the day. Every trigger takes the shared advisory lock
-- 7261032 for its transaction; counting takes it exclusively, so it waits
-- for the writers in flight and the writers that come after wait for it.
CREATE TABLE stats_days (
    day DATE PRIMARY KEY
);

CREATE TABLE stats_day_counts (
    day DATE NOT NULL,
    unit_id UUID NOT NULL,
    site_id UUID,
    mode TEXT,
    kind BIGINT NOT NULL,
    half BIGINT NOT NULL,
    state TEXT NOT NULL,
    base TEXT NOT NULL,
    n BIGINT NOT NULL,
    km DOUBLE PRECISION NOT NULL
);
CREATE INDEX stats_day_counts_day_idx ON stats_day_counts (day);

-- The days a person has an exception on (of the absences: the counted days
-- they cover).
CREATE VIEW stats_exception_days (person_id, day) AS
    SELECT person_id, day FROM occasional_days
    UNION ALL SELECT person_id, day FROM rotation_days
    UNION ALL SELECT ab.person_id, s.day FROM absences ab
        JOIN stats_days s ON s.day >= ab.first_day AND s.day <= ab.last_day;

CREATE FUNCTION stats_forget_person(p UUID) RETURNS void LANGUAGE sql AS $$
    DELETE FROM stats_days WHERE day IN (SELECT day FROM stats_exception_days WHERE person_id = p);
$$;

-- Rows added or removed in bulk (occasional and rotation days): their days.
CREATE FUNCTION stats_forget_changed_days() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(7261032);
    DELETE FROM stats_days s USING (SELECT DISTINCT day FROM changed) c WHERE s.day = c.day;
    RETURN NULL;
END $$;
CREATE TRIGGER stats_occasional_insert AFTER INSERT ON occasional_days
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION stats_forget_changed_days();
CREATE TRIGGER stats_occasional_delete AFTER DELETE ON occasional_days
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION stats_forget_changed_days();
CREATE TRIGGER stats_rotation_day_insert AFTER INSERT ON rotation_days
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION stats_forget_changed_days();
CREATE TRIGGER stats_rotation_day_delete AFTER DELETE ON rotation_days
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION stats_forget_changed_days();

-- A day changed in place: its old and new day.
CREATE FUNCTION stats_forget_updated_day() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(7261032);
    DELETE FROM stats_days WHERE day = OLD.day OR day = NEW.day;
    RETURN NULL;
END $$;
CREATE TRIGGER stats_occasional_update AFTER UPDATE ON occasional_days
    FOR EACH ROW EXECUTE FUNCTION stats_forget_updated_day();
CREATE TRIGGER stats_rotation_day_update AFTER UPDATE ON rotation_days
    FOR EACH ROW EXECUTE FUNCTION stats_forget_updated_day();

-- Absences added or removed: every day they cover.
CREATE FUNCTION stats_forget_changed_spans() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(7261032);
    DELETE FROM stats_days s
    WHERE EXISTS (SELECT 1 FROM changed c WHERE c.first_day <= s.day AND c.last_day >= s.day);
    RETURN NULL;
END $$;
CREATE TRIGGER stats_absence_insert AFTER INSERT ON absences
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION stats_forget_changed_spans();
CREATE TRIGGER stats_absence_delete AFTER DELETE ON absences
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION stats_forget_changed_spans();

-- An absence or a rotation plan changed in place: its old and new period.
CREATE FUNCTION stats_forget_updated_span() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(7261032);
    DELETE FROM stats_days
    WHERE (day >= OLD.first_day AND day <= OLD.last_day)
       OR (day >= NEW.first_day AND day <= NEW.last_day);
    RETURN NULL;
END $$;
CREATE TRIGGER stats_absence_update AFTER UPDATE ON absences
    FOR EACH ROW EXECUTE FUNCTION stats_forget_updated_span();
CREATE TRIGGER stats_rotation_plan_update AFTER UPDATE ON rotation_plans
    FOR EACH ROW EXECUTE FUNCTION stats_forget_updated_span();

CREATE FUNCTION stats_forget_deleted_span() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(7261032);
    DELETE FROM stats_days WHERE day >= OLD.first_day AND day <= OLD.last_day;
    RETURN NULL;
END $$;
CREATE TRIGGER stats_rotation_plan_delete AFTER DELETE ON rotation_plans
    FOR EACH ROW EXECUTE FUNCTION stats_forget_deleted_span();

-- An agreement changes the state its person's exceptions override; a
-- person's unit, site, commute or last day changes where and how their
-- exceptions count: the days the person has an exception on.
CREATE FUNCTION stats_forget_agreement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(7261032);
    IF TG_OP <> 'INSERT' THEN
        PERFORM stats_forget_person(OLD.person_id);
    END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.person_id <> OLD.person_id) THEN
        PERFORM stats_forget_person(NEW.person_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER stats_agreement AFTER INSERT OR UPDATE OR DELETE ON agreements
    FOR EACH ROW EXECUTE FUNCTION stats_forget_agreement();

CREATE FUNCTION stats_forget_person_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(7261032);
    PERFORM stats_forget_person(NEW.id);
    RETURN NULL;
END $$;
CREATE TRIGGER stats_person_update AFTER UPDATE ON people
    FOR EACH ROW
    WHEN (OLD.unit_id IS DISTINCT FROM NEW.unit_id OR OLD.site_id IS DISTINCT FROM NEW.site_id
       OR OLD.commute_km IS DISTINCT FROM NEW.commute_km
       OR OLD.commute_mode IS DISTINCT FROM NEW.commute_mode
       OR OLD.last_day IS DISTINCT FROM NEW.last_day)
    EXECUTE FUNCTION stats_forget_person_moved();

-- A person removed (rare: disposal) or a unit moved to another site: every day.
CREATE FUNCTION stats_forget_all() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(7261032);
    DELETE FROM stats_days;
    RETURN NULL;
END $$;
CREATE TRIGGER stats_person_delete AFTER DELETE ON people
    FOR EACH STATEMENT EXECUTE FUNCTION stats_forget_all();
CREATE TRIGGER stats_unit_site AFTER UPDATE ON units
    FOR EACH ROW WHEN (OLD.site_id IS DISTINCT FROM NEW.site_id)
    EXECUTE FUNCTION stats_forget_all();
