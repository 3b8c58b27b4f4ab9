-- Where a granted role comes from: the organisation's own lists (the CSV
-- import, the pages, the API: 'local') or a group of the identity provider
-- (SCIM: 'scim'). A person holds a role while either source grants it; an
-- import replaces only the local grants and a group change only the
-- group's, so neither undoes the other. Roles stored before this are local.
CREATE TABLE person_roles_by_source (
    person_id BLOB NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT 'local',
    PRIMARY KEY (person_id, role, source)
);
INSERT INTO person_roles_by_source (person_id, role, source)
    SELECT person_id, role, 'local' FROM person_roles;
DROP TABLE person_roles;
ALTER TABLE person_roles_by_source RENAME TO person_roles;
CREATE INDEX person_roles_role_idx ON person_roles (role);

CREATE TRIGGER person_roles_check_insert BEFORE INSERT ON person_roles
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: person_roles_role_check')
        WHERE NOT (NEW.role IN ('hr', 'admin', 'auditor', 'director'));
    SELECT RAISE(ABORT, 'CHECK constraint failed: person_roles_source_check')
        WHERE NOT (NEW.source IN ('local', 'scim'));
END;
CREATE TRIGGER person_roles_check_update BEFORE UPDATE OF role, source ON person_roles
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: person_roles_role_check')
        WHERE NOT (NEW.role IN ('hr', 'admin', 'auditor', 'director'));
    SELECT RAISE(ABORT, 'CHECK constraint failed: person_roles_source_check')
        WHERE NOT (NEW.source IN ('local', 'scim'));
END;
