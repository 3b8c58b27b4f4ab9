-- Unread notifications are counted on every page (the header's count):
-- an index of only the unread ones keeps that one short lookup.
CREATE INDEX notifications_unread_idx ON notifications (person_id) WHERE read_at IS NULL;
