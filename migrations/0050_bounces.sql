-- Bounces and complaints as they arrive, by mail to the bounce address or by a provider's
-- webhook (docs/bounces.md). `key` makes handling idempotent: the same notice twice (a
-- sender retrying after a 451, an IMAP poll that could not mark a message, a provider's
-- retry) is one row. For mail that named its delivery the key is `delivery:ID:KIND`.
-- Rows go with their reader (forget) and their delivery.
CREATE TABLE bounces (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
  delivery_id INTEGER REFERENCES deliveries (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('hard', 'soft', 'complaint')),
  status TEXT,
  diagnostic TEXT,
  feedback_type TEXT,
  source TEXT NOT NULL,
  received_at TEXT NOT NULL
) STRICT;

CREATE INDEX bounces_subscriber ON bounces (subscriber_id, kind, received_at);
CREATE INDEX bounces_received_at ON bounces (received_at);
