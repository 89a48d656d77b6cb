-- Papers like the ones a reader liked (docs/recommender.md, issue 13).
--
-- A paper's top terms are computed once, at ingest, against the document frequencies of
-- their day (JSON from src/core/recommend/paper-terms.ts); NULL until weighed (papers
-- stored before this migration are weighed by the daily job and at start).
ALTER TABLE papers ADD COLUMN top_terms TEXT;

-- How many stored papers use each content term; the term '' holds the number of papers.
CREATE TABLE term_docs (
  term TEXT PRIMARY KEY,
  docs INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- A reader's 👍 / 👎 on a paper (source 'vote', from a digest's feedback link) or a paper
-- they added on the manage page (source 'added', always a like). One row per reader and
-- paper: voting again changes it, undoing deletes it.
CREATE TABLE paper_votes (
  subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
  paper_num INTEGER NOT NULL REFERENCES papers (num) ON DELETE CASCADE,
  vote TEXT NOT NULL CHECK (vote IN ('like', 'dislike')),
  source TEXT NOT NULL CHECK (source IN ('vote', 'added')),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (subscriber_id, paper_num)
) STRICT, WITHOUT ROWID;

-- The reader's profile (sums of liked and disliked papers' terms) and the query the
-- weekly run searches with, rebuilt from paper_votes after each change. `version` rises
-- with each write: a write that started from an older version is refused and redone, so
-- two votes at the same instant cannot lose one another (no interactive transactions).
CREATE TABLE reader_profiles (
  subscriber_id INTEGER PRIMARY KEY REFERENCES subscribers (id) ON DELETE CASCADE,
  profile TEXT NOT NULL,
  query TEXT NOT NULL,
  version INTEGER NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
