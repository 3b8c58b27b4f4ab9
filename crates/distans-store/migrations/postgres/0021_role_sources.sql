-- Where a granted role comes from: the organisation's own lists (the CSV
-- import, the pages, the API: 'local') or a group of the identity provider
-- (SCIM: 'scim'). A person holds a role while either source grants it; an
-- import replaces only the local grants and a group change only the
-- group's, so neither undoes the other. Roles stored before this are local.
ALTER TABLE person_roles ADD COLUMN source TEXT NOT NULL DEFAULT 'local';
ALTER TABLE person_roles DROP CONSTRAINT person_roles_pkey;
ALTER TABLE person_roles ADD PRIMARY KEY (person_id, role, source);
ALTER TABLE person_roles
    ADD CONSTRAINT person_roles_source_check CHECK (source IN ('local', 'scim'));
CREATE INDEX person_roles_role_idx ON person_roles (role);
