-- Entries written before payloads (0025) hold their personal data inline.
-- The upgrade that `distans migrate` and `serve` run after the migrations
-- checks their chain, moves each one's data to a salted payload
-- (audit_payloads), records the payload's hash here, and seals them all in
-- one chained entry (`audit.seal`, holding a digest of every sealed entry's
-- fields, hashes and payload hash). Then disposal can remove their payloads
-- like any other, and the chain still verifies.
CREATE TABLE audit_sealed (
    entry_seq BIGINT PRIMARY KEY REFERENCES audit_log (seq),
    payload_hash TEXT NOT NULL
);
CREATE FUNCTION audit_sealed_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_sealed is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_sealed_no_update BEFORE UPDATE OR DELETE ON audit_sealed
    FOR EACH ROW EXECUTE FUNCTION audit_sealed_append_only();

-- The log stays append-only; the one change allowed is the upgrade's:
-- clearing a sealed entry's inline data, which its payload now holds.
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.before IS NULL AND NEW.after IS NULL
       AND OLD.payload_hash IS NULL AND NEW.payload_hash IS NULL
       AND (NEW.seq, NEW.at, NEW.actor_id, NEW.actor, NEW.action, NEW.entity, NEW.entity_id, NEW.prev_hash, NEW.hash)
           IS NOT DISTINCT FROM
           (OLD.seq, OLD.at, OLD.actor_id, OLD.actor, OLD.action, OLD.entity, OLD.entity_id, OLD.prev_hash, OLD.hash)
       AND EXISTS (SELECT 1 FROM audit_sealed s WHERE s.entry_seq = OLD.seq) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;
