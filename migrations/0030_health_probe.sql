-- One row that GET /healthz rewrites on every check: health means the database takes a
-- write, not only that it answers a read (a full or read-only disk, a stuck lock).
CREATE TABLE health_probe (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  checked_at TEXT NOT NULL
) STRICT;
