-- Signed webhook requests already accepted (Svix ids, SNS MessageIds), kept until their
-- signature stops counting, so the same request sent again is refused (docs/webhooks.md).
CREATE TABLE webhook_replays (
  key TEXT PRIMARY KEY,
  until TEXT NOT NULL
) STRICT, WITHOUT ROWID;
