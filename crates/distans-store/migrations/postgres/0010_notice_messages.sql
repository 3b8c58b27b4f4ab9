-- Notices are messages of the catalogue: a key and its values (JSON),
-- rendered in the reader's language by the app and the mailer. The text
-- columns keep the notices written before, and are empty for messages.
ALTER TABLE notifications ADD COLUMN message JSONB;
ALTER TABLE outbox ADD COLUMN message JSONB;
-- The language a mail is written in: the recipient's when it was queued.
ALTER TABLE outbox ADD COLUMN language TEXT NOT NULL DEFAULT 'sv';
-- Each person's language for notices and mail.
ALTER TABLE people ADD COLUMN language TEXT NOT NULL DEFAULT 'sv' CHECK (language IN ('sv', 'en'));
