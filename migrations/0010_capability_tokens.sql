-- One purpose per token (docs/decisions/030-one-purpose-per-link.md). SQLite cannot
-- change a CHECK constraint in place, so `tokens` is rebuilt once, with every purpose
-- planned so far: confirm, unsubscribe, manage, data (short-lived, mailed on request),
-- and feedback and feed, reserved for the features that will hand them out.
--
-- A confirm token now carries the signup it confirms (topics and consent evidence), so
-- a later signup for the same pending address cannot change what an earlier link does.
CREATE TABLE tokens_v2 (
  hash TEXT PRIMARY KEY,
  subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
  purpose TEXT NOT NULL
    CHECK (purpose IN ('confirm', 'unsubscribe', 'manage', 'data', 'feedback', 'feed')),
  created_at TEXT NOT NULL,
  expires_at TEXT,
  used_at TEXT,
  signup_keywords TEXT,
  signup_ip TEXT,
  signup_user_agent TEXT,
  signup_form_version TEXT
) STRICT;

-- The one manage token of old also sat in every List-Unsubscribe header and footer, held
-- by mailbox providers and link scanners: it keeps working for unsubscribing only. A
-- pending confirm token confirms what the reader's row says today.
INSERT INTO tokens_v2 (hash, subscriber_id, purpose, created_at, expires_at, used_at,
  signup_keywords, signup_ip, signup_user_agent, signup_form_version)
SELECT t.hash, t.subscriber_id,
  CASE t.purpose WHEN 'manage' THEN 'unsubscribe' ELSE t.purpose END,
  t.created_at, t.expires_at, t.used_at,
  CASE WHEN t.purpose = 'confirm' THEN s.keywords END,
  CASE WHEN t.purpose = 'confirm' THEN s.consent_ip END,
  CASE WHEN t.purpose = 'confirm' THEN s.consent_user_agent END,
  CASE WHEN t.purpose = 'confirm' THEN s.consent_form_version END
FROM tokens AS t JOIN subscribers AS s ON s.id = t.subscriber_id;

DROP TABLE tokens;
ALTER TABLE tokens_v2 RENAME TO tokens;
CREATE INDEX tokens_subscriber ON tokens (subscriber_id, purpose);

-- Where the confirmation link was clicked from (the consent record's second half).
ALTER TABLE subscribers ADD COLUMN confirm_ip TEXT;
ALTER TABLE subscribers ADD COLUMN confirm_user_agent TEXT;
