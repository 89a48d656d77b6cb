-- Queued transactional mail names the reader it is for, so that deleting a reader (delete
-- me, `paperboy forget`) deletes their mail with them: a confirmation or link still waiting
-- for the relay never goes out, and no row keeps their (sealed) address. Mail queued before
-- this migration names no one; it ends with its link, within 48 hours.
ALTER TABLE mail_outbox ADD COLUMN subscriber_id INTEGER REFERENCES subscribers (id) ON DELETE CASCADE;

CREATE INDEX mail_outbox_subscriber ON mail_outbox (subscriber_id);
