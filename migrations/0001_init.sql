-- paperboy schema. SQLite dialect: applied by the Node migrator and by
-- `wrangler d1 migrations apply`. Times are ISO-8601 UTC strings (sortable as text).

-- `num` is the integer row key the full-text index points at (a stable rowid survives
-- VACUUM); `id` is the arXiv id without version, the key everything else uses.
CREATE TABLE papers (
  num INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  abstract TEXT NOT NULL,
  authors TEXT NOT NULL DEFAULT '[]',
  published_at TEXT,
  added_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  upvotes INTEGER NOT NULL DEFAULT 0,
  comments INTEGER,
  source TEXT NOT NULL,
  abs_url TEXT,
  pdf_url TEXT,
  hf_url TEXT,
  code_url TEXT,
  code_stars INTEGER,
  project_url TEXT,
  thumbnail_url TEXT,
  ai_summary TEXT,
  ai_keywords TEXT
) STRICT;

CREATE INDEX papers_added_at ON papers (added_at);

CREATE VIRTUAL TABLE papers_fts USING fts5 (
  title, abstract,
  content = 'papers', content_rowid = 'num',
  tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER papers_fts_insert AFTER INSERT ON papers BEGIN
  INSERT INTO papers_fts (rowid, title, abstract) VALUES (new.num, new.title, new.abstract);
END;

CREATE TRIGGER papers_fts_delete AFTER DELETE ON papers BEGIN
  INSERT INTO papers_fts (papers_fts, rowid, title, abstract) VALUES ('delete', old.num, old.title, old.abstract);
END;

CREATE TRIGGER papers_fts_update AFTER UPDATE OF title, abstract ON papers
  WHEN old.title IS NOT new.title OR old.abstract IS NOT new.abstract BEGIN
  INSERT INTO papers_fts (papers_fts, rowid, title, abstract) VALUES ('delete', old.num, old.title, old.abstract);
  INSERT INTO papers_fts (rowid, title, abstract) VALUES (new.num, new.title, new.abstract);
END;

-- email is normalised (trimmed, domain lower-cased and punycoded); NOCASE makes
-- Alice@x.org and alice@x.org one reader, as every mailbox provider treats them.
CREATE TABLE subscribers (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'paused', 'unsubscribed')),
  keywords TEXT NOT NULL DEFAULT '[]',
  frequency TEXT NOT NULL DEFAULT 'weekly' CHECK (frequency IN ('weekly', 'daily')),
  timezone TEXT NOT NULL DEFAULT 'UTC',
  manage_salt TEXT NOT NULL,
  consent_at TEXT NOT NULL,
  consent_ip TEXT,
  consent_user_agent TEXT,
  consent_form_version TEXT NOT NULL,
  consent_source TEXT NOT NULL DEFAULT 'form',
  confirmed_at TEXT,
  unsubscribed_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

CREATE INDEX subscribers_status_frequency ON subscribers (status, frequency);

-- Only SHA-256 hashes of tokens are stored. Confirm tokens expire and are single use;
-- the manage token (also the unsubscribe link) never expires.
CREATE TABLE tokens (
  hash TEXT PRIMARY KEY,
  subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
  purpose TEXT NOT NULL CHECK (purpose IN ('confirm', 'manage')),
  created_at TEXT NOT NULL,
  expires_at TEXT,
  used_at TEXT
) STRICT;

CREATE INDEX tokens_subscriber ON tokens (subscriber_id, purpose);

-- The outbox: one row per reader and period, whatever happens, so a digest is planned
-- and sent at most once even across crashes and reruns.
CREATE TABLE deliveries (
  id INTEGER PRIMARY KEY,
  subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
  period TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'unknown', 'skipped')),
  window_start TEXT NOT NULL,
  window_end TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  claimed_at TEXT,
  sent_at TEXT,
  last_error TEXT,
  message_id TEXT,
  paper_ids TEXT,
  created_at TEXT NOT NULL,
  UNIQUE (subscriber_id, period)
) STRICT;

CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);

CREATE TABLE suppressions (
  email TEXT PRIMARY KEY COLLATE NOCASE,
  reason TEXT NOT NULL CHECK (reason IN ('bounce', 'complaint', 'manual')),
  detail TEXT,
  created_at TEXT NOT NULL
) STRICT;

-- Fixed-window counters; one upsert per hit keeps them race-free without transactions.
CREATE TABLE rate_limits (
  key TEXT NOT NULL,
  window_start TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (key, window_start)
) STRICT;

-- One row per scheduled job and period: what ran, when it finished, what it did.
CREATE TABLE job_runs (
  job TEXT NOT NULL,
  period TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  summary TEXT,
  PRIMARY KEY (job, period)
) STRICT;
