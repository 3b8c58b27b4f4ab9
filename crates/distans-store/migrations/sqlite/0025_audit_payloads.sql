-- The audit chain survives disposal. From now on the personal data of an
-- entry (what the thing was before and after) is kept apart, as a payload
-- with a random salt; the entry holds the payload's hash, and that hash is
-- part of the chained hash. Disposal deletes the payload row and keeps the
-- entry: the chain still verifies, and an edited entry or payload is still
-- found. Entries written before this version keep their data inline.
ALTER TABLE audit_log ADD COLUMN payload_hash TEXT;
-- A person's own data lists the entries they wrote.
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, seq);

CREATE TABLE audit_payloads (
    entry_seq INTEGER PRIMARY KEY REFERENCES audit_log (seq),
    salt TEXT NOT NULL,
    before TEXT,
    after TEXT
);

-- A payload is removed by disposal, never changed.
CREATE TRIGGER audit_payloads_no_update BEFORE UPDATE ON audit_payloads
BEGIN
    SELECT RAISE(ABORT, 'audit_payloads can only be removed');
END;
