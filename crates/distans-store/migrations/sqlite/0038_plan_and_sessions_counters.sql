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
CREATE TRIGGER plan_epoch_absences_insert AFTER INSERT ON absences
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_absences_update AFTER UPDATE ON absences
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_absences_delete AFTER DELETE ON absences
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_agreement_templates_insert AFTER INSERT ON agreement_templates
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_agreement_templates_update AFTER UPDATE ON agreement_templates
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_agreement_templates_delete AFTER DELETE ON agreement_templates
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_agreements_insert AFTER INSERT ON agreements
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_agreements_update AFTER UPDATE ON agreements
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_agreements_delete AFTER DELETE ON agreements
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_checklist_templates_insert AFTER INSERT ON checklist_templates
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_checklist_templates_update AFTER UPDATE ON checklist_templates
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_checklist_templates_delete AFTER DELETE ON checklist_templates
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_closed_days_insert AFTER INSERT ON closed_days
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_closed_days_update AFTER UPDATE ON closed_days
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_closed_days_delete AFTER DELETE ON closed_days
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_coverage_rules_insert AFTER INSERT ON coverage_rules
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_coverage_rules_update AFTER UPDATE ON coverage_rules
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_coverage_rules_delete AFTER DELETE ON coverage_rules
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_deviation_events_insert AFTER INSERT ON deviation_events
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_deviation_events_update AFTER UPDATE ON deviation_events
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_deviation_events_delete AFTER DELETE ON deviation_events
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_deviations_insert AFTER INSERT ON deviations
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_deviations_update AFTER UPDATE ON deviations
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_deviations_delete AFTER DELETE ON deviations
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_disposal_rules_insert AFTER INSERT ON disposal_rules
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_disposal_rules_update AFTER UPDATE ON disposal_rules
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_disposal_rules_delete AFTER DELETE ON disposal_rules
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_emission_factor_versions_insert AFTER INSERT ON emission_factor_versions
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_emission_factor_versions_update AFTER UPDATE ON emission_factor_versions
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_emission_factor_versions_delete AFTER DELETE ON emission_factor_versions
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_equipment_items_insert AFTER INSERT ON equipment_items
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_equipment_items_update AFTER UPDATE ON equipment_items
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_equipment_items_delete AFTER DELETE ON equipment_items
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_equipment_loans_insert AFTER INSERT ON equipment_loans
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_equipment_loans_update AFTER UPDATE ON equipment_loans
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_equipment_loans_delete AFTER DELETE ON equipment_loans
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_followup_actions_insert AFTER INSERT ON followup_actions
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_followup_actions_update AFTER UPDATE ON followup_actions
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_followup_actions_delete AFTER DELETE ON followup_actions
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_followups_insert AFTER INSERT ON followups
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_followups_update AFTER UPDATE ON followups
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_followups_delete AFTER DELETE ON followups
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_legal_holds_insert AFTER INSERT ON legal_holds
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_legal_holds_update AFTER UPDATE ON legal_holds
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_legal_holds_delete AFTER DELETE ON legal_holds
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_occasional_days_insert AFTER INSERT ON occasional_days
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_occasional_days_update AFTER UPDATE ON occasional_days
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_occasional_days_delete AFTER DELETE ON occasional_days
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_people_insert AFTER INSERT ON people
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_people_update AFTER UPDATE ON people
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_people_delete AFTER DELETE ON people
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_person_roles_insert AFTER INSERT ON person_roles
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_person_roles_update AFTER UPDATE ON person_roles
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_person_roles_delete AFTER DELETE ON person_roles
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_person_skills_insert AFTER INSERT ON person_skills
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_person_skills_update AFTER UPDATE ON person_skills
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_person_skills_delete AFTER DELETE ON person_skills
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_policy_versions_insert AFTER INSERT ON policy_versions
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_policy_versions_update AFTER UPDATE ON policy_versions
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_policy_versions_delete AFTER DELETE ON policy_versions
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_privacy_notices_insert AFTER INSERT ON privacy_notices
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_privacy_notices_update AFTER UPDATE ON privacy_notices
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_privacy_notices_delete AFTER DELETE ON privacy_notices
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_request_events_insert AFTER INSERT ON request_events
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_request_events_update AFTER UPDATE ON request_events
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_request_events_delete AFTER DELETE ON request_events
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_requests_insert AFTER INSERT ON requests
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_requests_update AFTER UPDATE ON requests
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_requests_delete AFTER DELETE ON requests
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_rotation_days_insert AFTER INSERT ON rotation_days
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_rotation_days_update AFTER UPDATE ON rotation_days
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_rotation_days_delete AFTER DELETE ON rotation_days
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_rotation_plans_insert AFTER INSERT ON rotation_plans
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_rotation_plans_update AFTER UPDATE ON rotation_plans
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_rotation_plans_delete AFTER DELETE ON rotation_plans
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_scim_group_members_insert AFTER INSERT ON scim_group_members
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_scim_group_members_update AFTER UPDATE ON scim_group_members
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_scim_group_members_delete AFTER DELETE ON scim_group_members
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_scim_groups_insert AFTER INSERT ON scim_groups
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_scim_groups_update AFTER UPDATE ON scim_groups
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_scim_groups_delete AFTER DELETE ON scim_groups
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_sites_insert AFTER INSERT ON sites
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_sites_update AFTER UPDATE ON sites
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_sites_delete AFTER DELETE ON sites
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_temporary_decisions_insert AFTER INSERT ON temporary_decisions
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_temporary_decisions_update AFTER UPDATE ON temporary_decisions
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_temporary_decisions_delete AFTER DELETE ON temporary_decisions
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_units_insert AFTER INSERT ON units
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_units_update AFTER UPDATE ON units
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_epoch_units_delete AFTER DELETE ON units
BEGIN
    UPDATE plan_epoch SET n = n + 1 WHERE id = 1;
END;

-- The sessions counter, beside the sign-in counter: bumped by every change
-- to a session's data or expiry, so that each app server may remember a
-- session's data (its form token, language, messages) for as long as
-- neither moves. A session ended moves the sign-in counter (0034).
ALTER TABLE auth_epoch ADD COLUMN sessions BIGINT NOT NULL DEFAULT 1;
CREATE TRIGGER auth_epoch_session_data AFTER UPDATE OF data, expiry_date ON sessions
    WHEN OLD.data IS NOT NEW.data OR OLD.expiry_date IS NOT NEW.expiry_date
BEGIN
    UPDATE auth_epoch SET sessions = sessions + 1 WHERE id = 1;
END;
