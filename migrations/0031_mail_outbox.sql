-- Transactional mail (confirmations, manage and data links) waits here until a relay
-- takes it, like digests in `deliveries`: queued in the request, sent after the
-- response, retried with backoff, picked up again after a restart. `body` is the
-- composed message sealed with a key derived from SECRET (it carries a live link), and is
-- emptied once the message is sent, given up or past `expires_at` (its link's end).
CREATE TABLE mail_outbox (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
  body TEXT NOT NULL,
  message_id TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  claimed_at TEXT,
  sent_at TEXT,
  last_error TEXT,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
) STRICT;

CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at);
