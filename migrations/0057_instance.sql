-- One row: this installation's id, made when the database is created. /healthz shows it,
-- so `paperboy doctor` can tell that BASE_URL reaches this very instance (not another
-- server behind the same name, or one on another database).
CREATE TABLE instance (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  instance_id TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

INSERT INTO instance (id, instance_id, created_at)
VALUES (1, lower(hex(randomblob(16))), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
