-- CHECK constraints for the states, kinds and ranges the domain has: the
-- texts the store keeps (src/stored.rs, the core's enums), days a week
-- 1 to 5, periods that end on or after they start, counts that are not
-- negative. Adding a constraint checks the rows there are: a row it
-- refuses makes the migration fail, naming the constraint, and nothing is
-- changed or dropped. (sites.desks, coverage_rules.min_onsite and
-- people.language have theirs since they were made.)

ALTER TABLE requests
    ADD CONSTRAINT requests_state_check CHECK (state IN ('submitted', 'changes_requested', 'approved', 'declined', 'withdrawn')),
    ADD CONSTRAINT requests_decider_check CHECK (decider IN ('manager', 'hr')),
    ADD CONSTRAINT requests_place_check CHECK (place IN ('home', 'other')),
    ADD CONSTRAINT requests_days_per_week_check CHECK (days_per_week BETWEEN 1 AND 5),
    ADD CONSTRAINT requests_end_date_check CHECK (end_date >= start_date);

ALTER TABLE agreements
    ADD CONSTRAINT agreements_state_check CHECK (state IN ('draft', 'awaiting_signatures', 'active', 'ended', 'expired')),
    ADD CONSTRAINT agreements_place_check CHECK (place IN ('home', 'other')),
    ADD CONSTRAINT agreements_days_per_week_check CHECK (days_per_week BETWEEN 1 AND 5),
    ADD CONSTRAINT agreements_end_date_check CHECK (end_date >= start_date),
    ADD CONSTRAINT agreements_notice_days_check CHECK (notice_days >= 0);

ALTER TABLE temporary_decisions
    ADD CONSTRAINT temporary_decisions_max_remote_days_check CHECK (max_remote_days BETWEEN 1 AND 5),
    ADD CONSTRAINT temporary_decisions_end_date_check CHECK (end_date >= start_date);

ALTER TABLE occasional_days
    ADD CONSTRAINT occasional_days_state_check CHECK (state IN ('workplace', 'remote', 'other', 'absent')),
    ADD CONSTRAINT occasional_days_part_check CHECK (part IN ('am', 'pm'));

ALTER TABLE absences
    ADD CONSTRAINT absences_last_day_check CHECK (last_day >= first_day),
    ADD CONSTRAINT absences_source_check CHECK (source IN ('manual', 'import'));

ALTER TABLE rotation_plans
    ADD CONSTRAINT rotation_plans_last_day_check CHECK (last_day >= first_day);

ALTER TABLE rotation_days
    ADD CONSTRAINT rotation_days_state_check CHECK (state IN ('workplace', 'remote', 'other', 'absent'));

ALTER TABLE coverage_rules
    ADD CONSTRAINT coverage_rules_kind_check CHECK (kind IN ('min_onsite', 'max_desks'));

ALTER TABLE units
    ADD CONSTRAINT units_kind_check CHECK (kind IN ('kommun', 'forvaltning', 'avdelning', 'enhet')),
    ADD CONSTRAINT units_depth_check CHECK (depth >= 0);

ALTER TABLE people
    ADD CONSTRAINT people_commute_mode_check CHECK (commute_mode IN ('car', 'public_transport', 'bicycle', 'walk', 'car_pool')),
    ADD CONSTRAINT people_commute_km_check CHECK (commute_km >= 0);

ALTER TABLE person_roles
    ADD CONSTRAINT person_roles_role_check CHECK (role IN ('hr', 'admin', 'auditor', 'director'));

ALTER TABLE followups
    ADD CONSTRAINT followups_kind_check CHECK (kind IN ('risk_assessment', 'follow_up', 'development_talk')),
    ADD CONSTRAINT followups_state_check CHECK (state IN ('open', 'done', 'cancelled'));

ALTER TABLE followup_actions
    ADD CONSTRAINT followup_actions_state_check CHECK (state IN ('open', 'closed'));

ALTER TABLE deviations
    ADD CONSTRAINT deviations_kind_check CHECK (kind IN ('work_environment', 'information_security', 'presence', 'equipment', 'other')),
    ADD CONSTRAINT deviations_state_check CHECK (state IN ('reported', 'acknowledged', 'closed'));

ALTER TABLE equipment_items
    ADD CONSTRAINT equipment_items_kind_check CHECK (kind IN ('laptop', 'phone', 'screen', 'keyboard', 'mouse', 'headset', 'docking_station', 'laptop_stand', 'other')),
    ADD CONSTRAINT equipment_items_state_check CHECK (state IN ('available', 'on_loan', 'in_repair', 'retired'));

ALTER TABLE equipment_loans
    ADD CONSTRAINT equipment_loans_return_state_check CHECK (return_state IN ('available', 'in_repair', 'retired'));

ALTER TABLE planner_jobs
    ADD CONSTRAINT planner_jobs_time_limit_check CHECK (time_limit >= 0),
    ADD CONSTRAINT planner_jobs_done_check CHECK (done >= 0),
    ADD CONSTRAINT planner_jobs_total_check CHECK (total >= 0),
    ADD CONSTRAINT planner_jobs_elapsed_ms_check CHECK (elapsed_ms >= 0);

ALTER TABLE outbox
    ADD CONSTRAINT outbox_attempts_check CHECK (attempts >= 0),
    ADD CONSTRAINT outbox_language_check CHECK (language IN ('sv', 'en'));
