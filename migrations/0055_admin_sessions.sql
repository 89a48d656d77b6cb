-- Signed-in operators of the admin area (docs/admin.md). Only the SHA-256 hash of the
-- session cookie is stored; a row past expires_at opens nothing and is pruned daily.
CREATE TABLE admin_sessions (
  hash TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
) STRICT;

-- The admin overview counts each recent period's deliveries by status.
CREATE INDEX deliveries_period_status ON deliveries (period, status);
