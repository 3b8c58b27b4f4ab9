-- Entries written before payloads (0025) hold their personal data inline.
-- The upgrade that `distans migrate` and `serve` run after the migrations
-- checks their chain, moves each one's data to a salted payload
-- (audit_payloads), records the payload's hash here, and seals them all in
-- one chained entry (`audit.seal`, holding a digest of every sealed entry's
-- fields, hashes and payload hash). Then disposal can remove their payloads
-- like any other, and the chain still verifies.
CREATE TABLE audit_sealed (
    entry_seq INTEGER PRIMARY KEY REFERENCES audit_log (seq),
    payload_hash TEXT NOT NULL
);
CREATE TRIGGER audit_sealed_no_update BEFORE UPDATE ON audit_sealed
BEGIN
    SELECT RAISE(ABORT, 'audit_sealed is append-only');
END;
CREATE TRIGGER audit_sealed_no_delete BEFORE DELETE ON audit_sealed
BEGIN
    SELECT RAISE(ABORT, 'audit_sealed is append-only');
END;

-- The log stays append-only; the one change allowed is the upgrade's:
-- clearing a sealed entry's inline data, which its payload now holds.
DROP TRIGGER audit_log_no_update;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NOT (
    NEW.before IS NULL AND NEW.after IS NULL
    AND OLD.payload_hash IS NULL AND NEW.payload_hash IS NULL
    AND NEW.seq = OLD.seq AND NEW.at = OLD.at AND NEW.actor_id IS OLD.actor_id
    AND NEW.actor = OLD.actor AND NEW.action = OLD.action AND NEW.entity = OLD.entity
    AND NEW.entity_id = OLD.entity_id AND NEW.prev_hash = OLD.prev_hash AND NEW.hash = OLD.hash
    AND EXISTS (SELECT 1 FROM audit_sealed s WHERE s.entry_seq = OLD.seq)
)
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
