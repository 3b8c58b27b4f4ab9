-- The worker that claimed a mail holds it under a lease of its own: only
-- that lease may renew the hold, or mark the mail sent or failed, so a
-- worker whose hold ran out cannot send or mark a mail another now holds.
ALTER TABLE outbox ADD COLUMN lease_id UUID;
