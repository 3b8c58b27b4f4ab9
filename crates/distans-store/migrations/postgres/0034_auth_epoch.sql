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

CREATE FUNCTION auth_epoch_bump() RETURNS trigger AS $$
BEGIN
    UPDATE auth_epoch SET n = n + 1 WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- Inserts and deletes once per statement (a purge of many sessions bumps
-- once); updates per changed row, so that an update that changes nothing
-- that matters bumps nothing.
CREATE TRIGGER auth_epoch_session_delete AFTER DELETE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION auth_epoch_bump();
CREATE TRIGGER auth_epoch_session_person AFTER UPDATE OF person_id ON sessions
    FOR EACH ROW WHEN (OLD.person_id IS DISTINCT FROM NEW.person_id)
    EXECUTE FUNCTION auth_epoch_bump();
CREATE TRIGGER auth_epoch_token_update AFTER UPDATE OF revoked_at, expires_at, person_id, token_hash ON api_tokens
    FOR EACH ROW WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at OR OLD.expires_at IS DISTINCT FROM NEW.expires_at
        OR OLD.person_id IS DISTINCT FROM NEW.person_id OR OLD.token_hash IS DISTINCT FROM NEW.token_hash)
    EXECUTE FUNCTION auth_epoch_bump();
CREATE TRIGGER auth_epoch_token_delete AFTER DELETE ON api_tokens
    FOR EACH STATEMENT EXECUTE FUNCTION auth_epoch_bump();
CREATE TRIGGER auth_epoch_person_update
    AFTER UPDATE OF given_name, family_name, unit_id, language, deactivated_at ON people
    FOR EACH ROW WHEN (OLD.given_name IS DISTINCT FROM NEW.given_name OR OLD.family_name IS DISTINCT FROM NEW.family_name
        OR OLD.unit_id IS DISTINCT FROM NEW.unit_id OR OLD.language IS DISTINCT FROM NEW.language
        OR OLD.deactivated_at IS DISTINCT FROM NEW.deactivated_at)
    EXECUTE FUNCTION auth_epoch_bump();
CREATE TRIGGER auth_epoch_person_delete AFTER DELETE ON people
    FOR EACH STATEMENT EXECUTE FUNCTION auth_epoch_bump();
CREATE TRIGGER auth_epoch_roles AFTER INSERT OR UPDATE OR DELETE ON person_roles
    FOR EACH STATEMENT EXECUTE FUNCTION auth_epoch_bump();
CREATE TRIGGER auth_epoch_unit_insert AFTER INSERT ON units
    FOR EACH ROW WHEN (NEW.manager_id IS NOT NULL OR NEW.deputy_id IS NOT NULL)
    EXECUTE FUNCTION auth_epoch_bump();
CREATE TRIGGER auth_epoch_unit_update
    AFTER UPDATE OF name, path, manager_id, deputy_id, closed_at ON units
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.path IS DISTINCT FROM NEW.path
        OR OLD.manager_id IS DISTINCT FROM NEW.manager_id OR OLD.deputy_id IS DISTINCT FROM NEW.deputy_id
        OR OLD.closed_at IS DISTINCT FROM NEW.closed_at)
    EXECUTE FUNCTION auth_epoch_bump();
CREATE TRIGGER auth_epoch_unit_delete AFTER DELETE ON units
    FOR EACH STATEMENT EXECUTE FUNCTION auth_epoch_bump();
