-- Papers change (new, more upvotes, new metadata) exactly when updated_at moves, so its
-- maximum versions the signup page's cached list; the index makes that a lookup.
CREATE INDEX papers_updated_at ON papers (updated_at);
