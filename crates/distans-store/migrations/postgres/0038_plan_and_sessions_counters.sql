-- The plan counter: bumped by every change to what the organisation holds
-- (people, units, sites, agreements, rules, plans, cases and the rest), so
-- that each app server may remember a plan, a unit's coverage or a
-- person's month for as long as it stands still. Left out are the tables of
-- bookkeeping no plan reads, written on their own all day: sign-in and
-- tokens, the audit trail, messages, jobs, statistics and these counters.
-- The store's tests hold the list of those and fail on a table in neither.
CREATE TABLE plan_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n BIGINT NOT NULL
);
INSERT INTO plan_epoch (id, n) VALUES (1, 1);

-- True the first time a transaction asks: the bump below is queued once
-- per transaction, not once per row written.
CREATE FUNCTION plan_epoch_first() RETURNS boolean AS $$
BEGIN
    IF current_setting('distans.plan_epoch_queued', true) IS NOT DISTINCT FROM '1' THEN
        RETURN false;
    END IF;
    PERFORM set_config('distans.plan_epoch_queued', '1', true);
    RETURN true;
END;
$$ LANGUAGE plpgsql VOLATILE;

-- Deferred to the commit: the counter's row is locked only from there to
-- the end of the commit, so writers neither queue behind one another for
-- their whole transaction nor deadlock over it.
CREATE FUNCTION plan_epoch_bump() RETURNS trigger AS $$
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER plan_epoch_change AFTER INSERT OR UPDATE OR DELETE ON absences
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (plan_epoch_first())
    EXECUTE FUNCTION plan_epoch_bump();

CREATE CONSTRAINT TRIGGER plan_epoch_change AFTER INSERT OR UPDATE OR DELETE ON agreement_templates
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (plan_epoch_first())
    EXECUTE FUNCTION plan_epoch_bump();

CREATE CONSTRAINT TRIGGER plan_epoch_change AFTER INSERT OR UPDATE OR DELETE ON agreements
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (plan_epoch_first())
    EXECUTE FUNCTION plan_epoch_bump();

CREATE CONSTRAINT TRIGGER plan_epoch_change AFTER INSERT OR UPDATE OR DELETE ON checklist_templates
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (plan_epoch_first())
    EXECUTE FUNCTION plan_epoch_bump();

CREATE CONSTRAINT TRIGGER plan_epoch_change AFTER INSERT OR UPDATE OR DELETE ON closed_days
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (plan_epoch_first())
    EXECUTE FUNCTION plan_epoch_bump();

CREATE CONSTRAINT TRIGGER plan_epoch_change AFTER INSERT OR UPDATE OR DELETE ON coverage_rules
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (plan_epoch_first())
    EXECUTE FUNCTION plan_epoch_bump();

CREATE CONSTRAINT TRIGGER plan_epoch_change AFTER INSERT OR UPDATE OR DELETE ON deviation_events
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (plan_epoch_first())
    EXECUTE FUNCTION plan_epoch_bump();

CREATE CONSTRAINT TRIGGER plan_epoch_change AFTER INSERT OR UPDATE OR DELETE ON deviations
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (plan_epoch_first())
    EXECUTE FUNCTION plan_epoch_bump();

CREATE CONSTRAINT TRIGGER plan_epoch_change AFTER INSERT OR UPDATE OR DELETE ON disposal_rules
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (plan_epoch_first())
    EXECUTE FUNCTION plan_epoch_bump();

CREATE CONSTRAINT TRIGGER plan_epoch_change AFTER INSERT OR UPDATE OR DELETE ON emission_factor_versions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (plan_epoch_first())
    EXECUTE FUNCTION plan_epoch_bump();

CREATE CONSTRAINT TRIGGER plan_epoch_change AFTER INSERT OR UPDATE OR DELETE ON equipment_items
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (plan_epoch_first())
    EXECUTE FUNCTION plan_epoch_bump();

CREATE CONSTRAINT TRIGGER plan_epoch_change AFTER INSERT OR UPDATE OR DELETE ON equipment_loans
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (plan_epoch_first())
    EXECUTE FUNCTION plan_epoch_bump();

CREATE CONSTRAINT TRIGGER plan_epoch_change AFTER INSERT OR UPDATE OR DELETE ON followup_actions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (plan_epoch_first())
    EXECUTE FUNCTION plan_epoch_bump();

CREATE CONSTRAINT TRIGGER plan_epoch_change AFTER INSERT OR UPDATE OR DELETE ON followups
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (plan_epoch_first())
    EXECUTE FUNCTION plan_epoch_bump();

CREATE CONSTRAINT TRIGGER plan_epoch_change AFTER INSERT OR UPDATE OR DELETE ON legal_holds
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (plan_epoch_first())
    EXECUTE FUNCTION plan_epoch_bump();

CREATE CONSTRAINT TRIGGER plan_epoch_change AFTER INSERT OR UPDATE OR DELETE ON occasional_days
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (plan_epoch_first())
    EXECUTE FUNCTION plan_epoch_bump();

CREATE CONSTRAINT TRIGGER plan_epoch_change AFTER INSERT OR UPDATE OR DELETE ON people
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (plan_epoch_first())
    EXECUTE FUNCTION plan_epoch_bump();

CREATE CONSTRAINT TRIGGER plan_epoch_change AFTER INSERT OR UPDATE OR DELETE ON person_roles
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (plan_epoch_first())
    EXECUTE FUNCTION plan_epoch_bump();

CREATE CONSTRAINT TRIGGER plan_epoch_change AFTER INSERT OR UPDATE OR DELETE ON person_skills
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (plan_epoch_first())
    EXECUTE FUNCTION plan_epoch_bump();

CREATE CONSTRAINT TRIGGER plan_epoch_change AFTER INSERT OR UPDATE OR DELETE ON policy_versions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (plan_epoch_first())
    EXECUTE FUNCTION plan_epoch_bump();

CREATE CONSTRAINT TRIGGER plan_epoch_change AFTER INSERT OR UPDATE OR DELETE ON privacy_notices
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (plan_epoch_first())
    EXECUTE FUNCTION plan_epoch_bump();

CREATE CONSTRAINT TRIGGER plan_epoch_change AFTER INSERT OR UPDATE OR DELETE ON request_events
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (plan_epoch_first())
    EXECUTE FUNCTION plan_epoch_bump();

CREATE CONSTRAINT TRIGGER plan_epoch_change AFTER INSERT OR UPDATE OR DELETE ON requests
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (plan_epoch_first())
    EXECUTE FUNCTION plan_epoch_bump();

CREATE CONSTRAINT TRIGGER plan_epoch_change AFTER INSERT OR UPDATE OR DELETE ON rotation_days
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (plan_epoch_first())
    EXECUTE FUNCTION plan_epoch_bump();

CREATE CONSTRAINT TRIGGER plan_epoch_change AFTER INSERT OR UPDATE OR DELETE ON rotation_plans
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (plan_epoch_first())
    EXECUTE FUNCTION plan_epoch_bump();

CREATE CONSTRAINT TRIGGER plan_epoch_change AFTER INSERT OR UPDATE OR DELETE ON scim_group_members
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (plan_epoch_first())
    EXECUTE FUNCTION plan_epoch_bump();

CREATE CONSTRAINT TRIGGER plan_epoch_change AFTER INSERT OR UPDATE OR DELETE ON scim_groups
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (plan_epoch_first())
    EXECUTE FUNCTION plan_epoch_bump();

CREATE CONSTRAINT TRIGGER plan_epoch_change AFTER INSERT OR UPDATE OR DELETE ON sites
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (plan_epoch_first())
    EXECUTE FUNCTION plan_epoch_bump();

CREATE CONSTRAINT TRIGGER plan_epoch_change AFTER INSERT OR UPDATE OR DELETE ON temporary_decisions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (plan_epoch_first())
    EXECUTE FUNCTION plan_epoch_bump();

CREATE CONSTRAINT TRIGGER plan_epoch_change AFTER INSERT OR UPDATE OR DELETE ON units
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (plan_epoch_first())
    EXECUTE FUNCTION plan_epoch_bump();

-- The sessions counter, beside the sign-in counter: bumped by every change
-- to a session's data or expiry, so that each app server may remember a
-- session's data (its form token, language, messages) for as long as
-- neither moves. A session ended moves the sign-in counter (0034).
ALTER TABLE auth_epoch ADD COLUMN sessions BIGINT NOT NULL DEFAULT 1;

CREATE FUNCTION auth_epoch_sessions_bump() RETURNS trigger AS $$
BEGIN
    UPDATE auth_epoch SET sessions = sessions + 1 WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER auth_epoch_session_data AFTER UPDATE OF data, expiry_date ON sessions
    FOR EACH ROW WHEN (OLD.data IS DISTINCT FROM NEW.data OR OLD.expiry_date IS DISTINCT FROM NEW.expiry_date)
    EXECUTE FUNCTION auth_epoch_sessions_bump();
