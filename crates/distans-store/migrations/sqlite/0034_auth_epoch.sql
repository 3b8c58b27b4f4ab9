-- What a signed-in request is allowed is read from the database once and
-- then kept in each app server's memory, checked against one counter that
-- every change to it bumps in its own transaction: signing out (a session
-- deleted), a session given to another person, a token revoked or
-- shortened, a person deactivated, renamed, moved or given another
-- language, a role granted or taken, a unit's managers, name, place in the
-- tree or closing. Each request reads the counter (one row by its key); an
-- app server whose counter is older than the database's reads again.
CREATE TABLE auth_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n BIGINT NOT NULL
);
INSERT INTO auth_epoch (id, n) VALUES (1, 1);

CREATE TRIGGER auth_epoch_session_delete AFTER DELETE ON sessions
BEGIN
    UPDATE auth_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER auth_epoch_session_person AFTER UPDATE OF person_id ON sessions
    WHEN OLD.person_id IS NOT NEW.person_id
BEGIN
    UPDATE auth_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER auth_epoch_token_update AFTER UPDATE OF revoked_at, expires_at, person_id, token_hash ON api_tokens
    WHEN OLD.revoked_at IS NOT NEW.revoked_at OR OLD.expires_at IS NOT NEW.expires_at
        OR OLD.person_id IS NOT NEW.person_id OR OLD.token_hash IS NOT NEW.token_hash
BEGIN
    UPDATE auth_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER auth_epoch_token_delete AFTER DELETE ON api_tokens
BEGIN
    UPDATE auth_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER auth_epoch_person_update
    AFTER UPDATE OF given_name, family_name, unit_id, language, deactivated_at ON people
    WHEN OLD.given_name IS NOT NEW.given_name OR OLD.family_name IS NOT NEW.family_name
        OR OLD.unit_id IS NOT NEW.unit_id OR OLD.language IS NOT NEW.language
        OR OLD.deactivated_at IS NOT NEW.deactivated_at
BEGIN
    UPDATE auth_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER auth_epoch_person_delete AFTER DELETE ON people
BEGIN
    UPDATE auth_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER auth_epoch_role_insert AFTER INSERT ON person_roles
BEGIN
    UPDATE auth_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER auth_epoch_role_update AFTER UPDATE ON person_roles
BEGIN
    UPDATE auth_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER auth_epoch_role_delete AFTER DELETE ON person_roles
BEGIN
    UPDATE auth_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER auth_epoch_unit_insert AFTER INSERT ON units
    WHEN NEW.manager_id IS NOT NULL OR NEW.deputy_id IS NOT NULL
BEGIN
    UPDATE auth_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER auth_epoch_unit_update
    AFTER UPDATE OF name, path, manager_id, deputy_id, closed_at ON units
    WHEN OLD.name IS NOT NEW.name OR OLD.path IS NOT NEW.path
        OR OLD.manager_id IS NOT NEW.manager_id OR OLD.deputy_id IS NOT NEW.deputy_id
        OR OLD.closed_at IS NOT NEW.closed_at
BEGIN
    UPDATE auth_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER auth_epoch_unit_delete AFTER DELETE ON units
BEGIN
    UPDATE auth_epoch SET n = n + 1 WHERE id = 1;
END;
