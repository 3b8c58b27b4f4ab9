-- CHECK constraints for the states, kinds and ranges the domain has: the
-- texts the store keeps (src/stored.rs, the core's enums), days a week
-- 1 to 5, periods that end on or after they start, counts that are not
-- negative; named <table>_<column>_check, as in PostgreSQL.
--
-- SQLite cannot add a CHECK to a table, and rebuilding a table inside the
-- migration's transaction (where foreign keys stay on) would run the old
-- table's implicit DELETE through its children's ON DELETE CASCADE. So a
-- table's checks are triggers, before INSERT and before UPDATE of the
-- columns they read, raising what a CHECK raises: "CHECK constraint
-- failed: <name>", which the store reads as a CHECK violation. Those an
-- earlier migration declared without a name (sites.desks,
-- coverage_rules.min_onsite, people.language) get their names so too.
--
-- Last, the rows there are: a row a check refuses makes the migration
-- fail, naming the check, and nothing is changed or dropped.

CREATE TRIGGER requests_check_insert BEFORE INSERT ON requests
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: requests_state_check')
        WHERE NOT (NEW.state IN ('submitted', 'changes_requested', 'approved', 'declined', 'withdrawn'));
    SELECT RAISE(ABORT, 'CHECK constraint failed: requests_decider_check')
        WHERE NOT (NEW.decider IN ('manager', 'hr'));
    SELECT RAISE(ABORT, 'CHECK constraint failed: requests_place_check')
        WHERE NOT (NEW.place IN ('home', 'other'));
    SELECT RAISE(ABORT, 'CHECK constraint failed: requests_days_per_week_check')
        WHERE NOT (NEW.days_per_week BETWEEN 1 AND 5);
    SELECT RAISE(ABORT, 'CHECK constraint failed: requests_end_date_check')
        WHERE NOT (NEW.end_date >= NEW.start_date);
END;
CREATE TRIGGER requests_check_update BEFORE UPDATE OF state, decider, place, days_per_week, end_date, start_date ON requests
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: requests_state_check')
        WHERE NOT (NEW.state IN ('submitted', 'changes_requested', 'approved', 'declined', 'withdrawn'));
    SELECT RAISE(ABORT, 'CHECK constraint failed: requests_decider_check')
        WHERE NOT (NEW.decider IN ('manager', 'hr'));
    SELECT RAISE(ABORT, 'CHECK constraint failed: requests_place_check')
        WHERE NOT (NEW.place IN ('home', 'other'));
    SELECT RAISE(ABORT, 'CHECK constraint failed: requests_days_per_week_check')
        WHERE NOT (NEW.days_per_week BETWEEN 1 AND 5);
    SELECT RAISE(ABORT, 'CHECK constraint failed: requests_end_date_check')
        WHERE NOT (NEW.end_date >= NEW.start_date);
END;

CREATE TRIGGER agreements_check_insert BEFORE INSERT ON agreements
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: agreements_state_check')
        WHERE NOT (NEW.state IN ('draft', 'awaiting_signatures', 'active', 'ended', 'expired'));
    SELECT RAISE(ABORT, 'CHECK constraint failed: agreements_place_check')
        WHERE NOT (NEW.place IN ('home', 'other'));
    SELECT RAISE(ABORT, 'CHECK constraint failed: agreements_days_per_week_check')
        WHERE NOT (NEW.days_per_week BETWEEN 1 AND 5);
    SELECT RAISE(ABORT, 'CHECK constraint failed: agreements_end_date_check')
        WHERE NOT (NEW.end_date >= NEW.start_date);
    SELECT RAISE(ABORT, 'CHECK constraint failed: agreements_notice_days_check')
        WHERE NOT (NEW.notice_days >= 0);
END;
CREATE TRIGGER agreements_check_update BEFORE UPDATE OF state, place, days_per_week, end_date, start_date, notice_days ON agreements
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: agreements_state_check')
        WHERE NOT (NEW.state IN ('draft', 'awaiting_signatures', 'active', 'ended', 'expired'));
    SELECT RAISE(ABORT, 'CHECK constraint failed: agreements_place_check')
        WHERE NOT (NEW.place IN ('home', 'other'));
    SELECT RAISE(ABORT, 'CHECK constraint failed: agreements_days_per_week_check')
        WHERE NOT (NEW.days_per_week BETWEEN 1 AND 5);
    SELECT RAISE(ABORT, 'CHECK constraint failed: agreements_end_date_check')
        WHERE NOT (NEW.end_date >= NEW.start_date);
    SELECT RAISE(ABORT, 'CHECK constraint failed: agreements_notice_days_check')
        WHERE NOT (NEW.notice_days >= 0);
END;

CREATE TRIGGER temporary_decisions_check_insert BEFORE INSERT ON temporary_decisions
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: temporary_decisions_max_remote_days_check')
        WHERE NOT (NEW.max_remote_days BETWEEN 1 AND 5);
    SELECT RAISE(ABORT, 'CHECK constraint failed: temporary_decisions_end_date_check')
        WHERE NOT (NEW.end_date >= NEW.start_date);
END;
CREATE TRIGGER temporary_decisions_check_update BEFORE UPDATE OF max_remote_days, end_date, start_date ON temporary_decisions
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: temporary_decisions_max_remote_days_check')
        WHERE NOT (NEW.max_remote_days BETWEEN 1 AND 5);
    SELECT RAISE(ABORT, 'CHECK constraint failed: temporary_decisions_end_date_check')
        WHERE NOT (NEW.end_date >= NEW.start_date);
END;

CREATE TRIGGER occasional_days_check_insert BEFORE INSERT ON occasional_days
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: occasional_days_state_check')
        WHERE NOT (NEW.state IN ('workplace', 'remote', 'other', 'absent'));
    SELECT RAISE(ABORT, 'CHECK constraint failed: occasional_days_part_check')
        WHERE NOT (NEW.part IN ('am', 'pm'));
END;
CREATE TRIGGER occasional_days_check_update BEFORE UPDATE OF state, part ON occasional_days
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: occasional_days_state_check')
        WHERE NOT (NEW.state IN ('workplace', 'remote', 'other', 'absent'));
    SELECT RAISE(ABORT, 'CHECK constraint failed: occasional_days_part_check')
        WHERE NOT (NEW.part IN ('am', 'pm'));
END;

CREATE TRIGGER absences_check_insert BEFORE INSERT ON absences
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: absences_last_day_check')
        WHERE NOT (NEW.last_day >= NEW.first_day);
    SELECT RAISE(ABORT, 'CHECK constraint failed: absences_source_check')
        WHERE NOT (NEW.source IN ('manual', 'import'));
END;
CREATE TRIGGER absences_check_update BEFORE UPDATE OF last_day, first_day, source ON absences
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: absences_last_day_check')
        WHERE NOT (NEW.last_day >= NEW.first_day);
    SELECT RAISE(ABORT, 'CHECK constraint failed: absences_source_check')
        WHERE NOT (NEW.source IN ('manual', 'import'));
END;

CREATE TRIGGER rotation_plans_check_insert BEFORE INSERT ON rotation_plans
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: rotation_plans_last_day_check')
        WHERE NOT (NEW.last_day >= NEW.first_day);
END;
CREATE TRIGGER rotation_plans_check_update BEFORE UPDATE OF last_day, first_day ON rotation_plans
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: rotation_plans_last_day_check')
        WHERE NOT (NEW.last_day >= NEW.first_day);
END;

CREATE TRIGGER rotation_days_check_insert BEFORE INSERT ON rotation_days
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: rotation_days_state_check')
        WHERE NOT (NEW.state IN ('workplace', 'remote', 'other', 'absent'));
END;
CREATE TRIGGER rotation_days_check_update BEFORE UPDATE OF state ON rotation_days
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: rotation_days_state_check')
        WHERE NOT (NEW.state IN ('workplace', 'remote', 'other', 'absent'));
END;

CREATE TRIGGER coverage_rules_check_insert BEFORE INSERT ON coverage_rules
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: coverage_rules_min_onsite_check')
        WHERE NOT (NEW.min_onsite >= 0);
    SELECT RAISE(ABORT, 'CHECK constraint failed: coverage_rules_kind_check')
        WHERE NOT (NEW.kind IN ('min_onsite', 'max_desks'));
END;
CREATE TRIGGER coverage_rules_check_update BEFORE UPDATE OF min_onsite, kind ON coverage_rules
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: coverage_rules_min_onsite_check')
        WHERE NOT (NEW.min_onsite >= 0);
    SELECT RAISE(ABORT, 'CHECK constraint failed: coverage_rules_kind_check')
        WHERE NOT (NEW.kind IN ('min_onsite', 'max_desks'));
END;

CREATE TRIGGER units_check_insert BEFORE INSERT ON units
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: units_kind_check')
        WHERE NOT (NEW.kind IN ('kommun', 'forvaltning', 'avdelning', 'enhet'));
    SELECT RAISE(ABORT, 'CHECK constraint failed: units_depth_check')
        WHERE NOT (NEW.depth >= 0);
END;
CREATE TRIGGER units_check_update BEFORE UPDATE OF kind, depth ON units
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: units_kind_check')
        WHERE NOT (NEW.kind IN ('kommun', 'forvaltning', 'avdelning', 'enhet'));
    SELECT RAISE(ABORT, 'CHECK constraint failed: units_depth_check')
        WHERE NOT (NEW.depth >= 0);
END;

CREATE TRIGGER people_check_insert BEFORE INSERT ON people
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: people_language_check')
        WHERE NOT (NEW.language IN ('sv', 'en'));
    SELECT RAISE(ABORT, 'CHECK constraint failed: people_commute_mode_check')
        WHERE NOT (NEW.commute_mode IN ('car', 'public_transport', 'bicycle', 'walk', 'car_pool'));
    SELECT RAISE(ABORT, 'CHECK constraint failed: people_commute_km_check')
        WHERE NOT (NEW.commute_km >= 0);
END;
CREATE TRIGGER people_check_update BEFORE UPDATE OF language, commute_mode, commute_km ON people
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: people_language_check')
        WHERE NOT (NEW.language IN ('sv', 'en'));
    SELECT RAISE(ABORT, 'CHECK constraint failed: people_commute_mode_check')
        WHERE NOT (NEW.commute_mode IN ('car', 'public_transport', 'bicycle', 'walk', 'car_pool'));
    SELECT RAISE(ABORT, 'CHECK constraint failed: people_commute_km_check')
        WHERE NOT (NEW.commute_km >= 0);
END;

CREATE TRIGGER person_roles_check_insert BEFORE INSERT ON person_roles
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: person_roles_role_check')
        WHERE NOT (NEW.role IN ('hr', 'admin', 'auditor', 'director'));
END;
CREATE TRIGGER person_roles_check_update BEFORE UPDATE OF role ON person_roles
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: person_roles_role_check')
        WHERE NOT (NEW.role IN ('hr', 'admin', 'auditor', 'director'));
END;

CREATE TRIGGER followups_check_insert BEFORE INSERT ON followups
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: followups_kind_check')
        WHERE NOT (NEW.kind IN ('risk_assessment', 'follow_up', 'development_talk'));
    SELECT RAISE(ABORT, 'CHECK constraint failed: followups_state_check')
        WHERE NOT (NEW.state IN ('open', 'done', 'cancelled'));
END;
CREATE TRIGGER followups_check_update BEFORE UPDATE OF kind, state ON followups
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: followups_kind_check')
        WHERE NOT (NEW.kind IN ('risk_assessment', 'follow_up', 'development_talk'));
    SELECT RAISE(ABORT, 'CHECK constraint failed: followups_state_check')
        WHERE NOT (NEW.state IN ('open', 'done', 'cancelled'));
END;

CREATE TRIGGER followup_actions_check_insert BEFORE INSERT ON followup_actions
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: followup_actions_state_check')
        WHERE NOT (NEW.state IN ('open', 'closed'));
END;
CREATE TRIGGER followup_actions_check_update BEFORE UPDATE OF state ON followup_actions
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: followup_actions_state_check')
        WHERE NOT (NEW.state IN ('open', 'closed'));
END;

CREATE TRIGGER deviations_check_insert BEFORE INSERT ON deviations
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: deviations_kind_check')
        WHERE NOT (NEW.kind IN ('work_environment', 'information_security', 'presence', 'equipment', 'other'));
    SELECT RAISE(ABORT, 'CHECK constraint failed: deviations_state_check')
        WHERE NOT (NEW.state IN ('reported', 'acknowledged', 'closed'));
END;
CREATE TRIGGER deviations_check_update BEFORE UPDATE OF kind, state ON deviations
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: deviations_kind_check')
        WHERE NOT (NEW.kind IN ('work_environment', 'information_security', 'presence', 'equipment', 'other'));
    SELECT RAISE(ABORT, 'CHECK constraint failed: deviations_state_check')
        WHERE NOT (NEW.state IN ('reported', 'acknowledged', 'closed'));
END;

CREATE TRIGGER equipment_items_check_insert BEFORE INSERT ON equipment_items
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: equipment_items_kind_check')
        WHERE NOT (NEW.kind IN ('laptop', 'phone', 'screen', 'keyboard', 'mouse', 'headset', 'docking_station', 'laptop_stand', 'other'));
    SELECT RAISE(ABORT, 'CHECK constraint failed: equipment_items_state_check')
        WHERE NOT (NEW.state IN ('available', 'on_loan', 'in_repair', 'retired'));
END;
CREATE TRIGGER equipment_items_check_update BEFORE UPDATE OF kind, state ON equipment_items
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: equipment_items_kind_check')
        WHERE NOT (NEW.kind IN ('laptop', 'phone', 'screen', 'keyboard', 'mouse', 'headset', 'docking_station', 'laptop_stand', 'other'));
    SELECT RAISE(ABORT, 'CHECK constraint failed: equipment_items_state_check')
        WHERE NOT (NEW.state IN ('available', 'on_loan', 'in_repair', 'retired'));
END;

CREATE TRIGGER equipment_loans_check_insert BEFORE INSERT ON equipment_loans
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: equipment_loans_return_state_check')
        WHERE NOT (NEW.return_state IN ('available', 'in_repair', 'retired'));
END;
CREATE TRIGGER equipment_loans_check_update BEFORE UPDATE OF return_state ON equipment_loans
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: equipment_loans_return_state_check')
        WHERE NOT (NEW.return_state IN ('available', 'in_repair', 'retired'));
END;

CREATE TRIGGER planner_jobs_check_insert BEFORE INSERT ON planner_jobs
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: planner_jobs_time_limit_check')
        WHERE NOT (NEW.time_limit >= 0);
    SELECT RAISE(ABORT, 'CHECK constraint failed: planner_jobs_done_check')
        WHERE NOT (NEW.done >= 0);
    SELECT RAISE(ABORT, 'CHECK constraint failed: planner_jobs_total_check')
        WHERE NOT (NEW.total >= 0);
    SELECT RAISE(ABORT, 'CHECK constraint failed: planner_jobs_elapsed_ms_check')
        WHERE NOT (NEW.elapsed_ms >= 0);
END;
CREATE TRIGGER planner_jobs_check_update BEFORE UPDATE OF time_limit, done, total, elapsed_ms ON planner_jobs
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: planner_jobs_time_limit_check')
        WHERE NOT (NEW.time_limit >= 0);
    SELECT RAISE(ABORT, 'CHECK constraint failed: planner_jobs_done_check')
        WHERE NOT (NEW.done >= 0);
    SELECT RAISE(ABORT, 'CHECK constraint failed: planner_jobs_total_check')
        WHERE NOT (NEW.total >= 0);
    SELECT RAISE(ABORT, 'CHECK constraint failed: planner_jobs_elapsed_ms_check')
        WHERE NOT (NEW.elapsed_ms >= 0);
END;

CREATE TRIGGER outbox_check_insert BEFORE INSERT ON outbox
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: outbox_attempts_check')
        WHERE NOT (NEW.attempts >= 0);
    SELECT RAISE(ABORT, 'CHECK constraint failed: outbox_language_check')
        WHERE NOT (NEW.language IN ('sv', 'en'));
END;
CREATE TRIGGER outbox_check_update BEFORE UPDATE OF attempts, language ON outbox
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: outbox_attempts_check')
        WHERE NOT (NEW.attempts >= 0);
    SELECT RAISE(ABORT, 'CHECK constraint failed: outbox_language_check')
        WHERE NOT (NEW.language IN ('sv', 'en'));
END;

CREATE TRIGGER sites_check_insert BEFORE INSERT ON sites
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: sites_desks_check')
        WHERE NOT (NEW.desks >= 0);
END;
CREATE TRIGGER sites_check_update BEFORE UPDATE OF desks ON sites
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: sites_desks_check')
        WHERE NOT (NEW.desks >= 0);
END;

-- The rows there are: touching those a check refuses runs its trigger.
UPDATE requests SET state = state
WHERE NOT (state IN ('submitted', 'changes_requested', 'approved', 'declined', 'withdrawn'))
    OR NOT (decider IN ('manager', 'hr'))
    OR NOT (place IN ('home', 'other'))
    OR NOT (days_per_week BETWEEN 1 AND 5)
    OR NOT (end_date >= start_date);
UPDATE agreements SET state = state
WHERE NOT (state IN ('draft', 'awaiting_signatures', 'active', 'ended', 'expired'))
    OR NOT (place IN ('home', 'other'))
    OR NOT (days_per_week BETWEEN 1 AND 5)
    OR NOT (end_date >= start_date)
    OR NOT (notice_days >= 0);
UPDATE temporary_decisions SET max_remote_days = max_remote_days
WHERE NOT (max_remote_days BETWEEN 1 AND 5)
    OR NOT (end_date >= start_date);
UPDATE occasional_days SET state = state
WHERE NOT (state IN ('workplace', 'remote', 'other', 'absent'))
    OR NOT (part IN ('am', 'pm'));
UPDATE absences SET last_day = last_day
WHERE NOT (last_day >= first_day)
    OR NOT (source IN ('manual', 'import'));
UPDATE rotation_plans SET last_day = last_day
WHERE NOT (last_day >= first_day);
UPDATE rotation_days SET state = state
WHERE NOT (state IN ('workplace', 'remote', 'other', 'absent'));
UPDATE coverage_rules SET min_onsite = min_onsite
WHERE NOT (min_onsite >= 0)
    OR NOT (kind IN ('min_onsite', 'max_desks'));
UPDATE units SET kind = kind
WHERE NOT (kind IN ('kommun', 'forvaltning', 'avdelning', 'enhet'))
    OR NOT (depth >= 0);
UPDATE people SET language = language
WHERE NOT (language IN ('sv', 'en'))
    OR NOT (commute_mode IN ('car', 'public_transport', 'bicycle', 'walk', 'car_pool'))
    OR NOT (commute_km >= 0);
UPDATE person_roles SET role = role
WHERE NOT (role IN ('hr', 'admin', 'auditor', 'director'));
UPDATE followups SET kind = kind
WHERE NOT (kind IN ('risk_assessment', 'follow_up', 'development_talk'))
    OR NOT (state IN ('open', 'done', 'cancelled'));
UPDATE followup_actions SET state = state
WHERE NOT (state IN ('open', 'closed'));
UPDATE deviations SET kind = kind
WHERE NOT (kind IN ('work_environment', 'information_security', 'presence', 'equipment', 'other'))
    OR NOT (state IN ('reported', 'acknowledged', 'closed'));
UPDATE equipment_items SET kind = kind
WHERE NOT (kind IN ('laptop', 'phone', 'screen', 'keyboard', 'mouse', 'headset', 'docking_station', 'laptop_stand', 'other'))
    OR NOT (state IN ('available', 'on_loan', 'in_repair', 'retired'));
UPDATE equipment_loans SET return_state = return_state
WHERE NOT (return_state IN ('available', 'in_repair', 'retired'));
UPDATE planner_jobs SET time_limit = time_limit
WHERE NOT (time_limit >= 0)
    OR NOT (done >= 0)
    OR NOT (total >= 0)
    OR NOT (elapsed_ms >= 0);
UPDATE outbox SET attempts = attempts
WHERE NOT (attempts >= 0)
    OR NOT (language IN ('sv', 'en'));
UPDATE sites SET desks = desks
WHERE NOT (desks >= 0);
