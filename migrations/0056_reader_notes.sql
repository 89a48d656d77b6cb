-- Notes paperboy sends a reader now and then (the silent-weeks note, docs/reader-history.md):
-- when each kind last went out, so it goes at most once in its interval. One upsert claims it.
CREATE TABLE reader_notes (
  subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  sent_at TEXT NOT NULL,
  PRIMARY KEY (subscriber_id, kind)
) STRICT;
