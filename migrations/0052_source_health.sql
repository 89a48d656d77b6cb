-- Each paper source's health (docs/decisions/073-stale-source-alarms.md): when it last came in whole with a new
-- batch, a fingerprint of its last batch, and the alarm of the current incident. The alarm is
-- mailed to ADMIN_EMAIL once per incident: alarm_mailed_at is claimed by one UPDATE.
CREATE TABLE source_health (
  source TEXT PRIMARY KEY,
  first_run_at TEXT NOT NULL,
  last_run_at TEXT NOT NULL,
  last_success_at TEXT,
  last_batch TEXT,
  alarm TEXT CHECK (alarm IN ('stale', 'same_batch')),
  alarm_since TEXT,
  alarm_mailed_at TEXT
) STRICT, WITHOUT ROWID;
