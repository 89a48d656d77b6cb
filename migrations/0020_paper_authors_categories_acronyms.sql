-- Topics that know the field (docs/topics.md): authors, arXiv categories and acronyms.
--
-- What a source says goes in `papers` as JSON (categories, primary first); what paperboy
-- derives from a paper (src/core/papers/derived-data.ts) goes there too, computed in the
-- same upsert: normalised author names and the acronyms the paper defines. The triggers
-- below fan those columns out into tables made for lookups, inside the same statement,
-- so the lookups can never disagree with the paper (no interactive transactions, D1).
ALTER TABLE papers ADD COLUMN categories TEXT NOT NULL DEFAULT '[]';
-- JSON [[last, given], ...]: folded names (src/core/papers/author-names.ts), in author order.
ALTER TABLE papers ADD COLUMN author_keys TEXT NOT NULL DEFAULT '[]';
-- JSON [[short key, short, long key, long], ...]: definitions such as "mixture of experts (MoE)".
ALTER TABLE papers ADD COLUMN acronyms TEXT NOT NULL DEFAULT '[]';
-- Which version of the derivation wrote author_keys and acronyms; older rows are recomputed.
ALTER TABLE papers ADD COLUMN derived_version INTEGER NOT NULL DEFAULT 0;

CREATE INDEX papers_derived_version ON papers (derived_version);

CREATE TABLE paper_authors (
  paper_num INTEGER NOT NULL,
  position INTEGER NOT NULL,
  last TEXT NOT NULL,
  given TEXT NOT NULL,
  PRIMARY KEY (paper_num, position)
) STRICT, WITHOUT ROWID;

CREATE INDEX paper_authors_last ON paper_authors (last, paper_num, given);

-- Lower-cased (`cs.cl`), so `cat:cs.CL` and `cat:cs.*` are index ranges.
CREATE TABLE paper_categories (
  paper_num INTEGER NOT NULL,
  category TEXT NOT NULL,
  PRIMARY KEY (paper_num, category)
) STRICT, WITHOUT ROWID;

CREATE INDEX paper_categories_category ON paper_categories (category, paper_num);

-- The acronym dictionary: how many stored papers define each short form with each long
-- form. Keys are folded (`moe`, `mixtur of expert`: Porter stems); `short` and `long` are
-- a spelling seen, for showing.
CREATE TABLE acronyms (
  short_key TEXT NOT NULL,
  long_key TEXT NOT NULL,
  short TEXT NOT NULL,
  long TEXT NOT NULL,
  papers INTEGER NOT NULL,
  PRIMARY KEY (short_key, long_key)
) STRICT, WITHOUT ROWID;

CREATE INDEX acronyms_long_key ON acronyms (long_key);

CREATE TRIGGER papers_derived_insert AFTER INSERT ON papers BEGIN
  INSERT INTO paper_authors (paper_num, position, last, given)
    SELECT new.num, key, json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(new.author_keys);
  INSERT OR IGNORE INTO paper_categories (paper_num, category)
    SELECT new.num, lower(value) FROM json_each(new.categories);
  INSERT INTO acronyms (short_key, short, long_key, long, papers)
    SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]'), 1
    FROM json_each(new.acronyms) WHERE true
    ON CONFLICT (short_key, long_key) DO UPDATE SET papers = papers + 1;
END;

CREATE TRIGGER papers_authors_update AFTER UPDATE OF author_keys ON papers
  WHEN old.author_keys IS NOT new.author_keys BEGIN
  DELETE FROM paper_authors WHERE paper_num = old.num;
  INSERT INTO paper_authors (paper_num, position, last, given)
    SELECT new.num, key, json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(new.author_keys);
END;

CREATE TRIGGER papers_categories_update AFTER UPDATE OF categories ON papers
  WHEN old.categories IS NOT new.categories BEGIN
  DELETE FROM paper_categories WHERE paper_num = old.num;
  INSERT OR IGNORE INTO paper_categories (paper_num, category)
    SELECT new.num, lower(value) FROM json_each(new.categories);
END;

CREATE TRIGGER papers_acronyms_update AFTER UPDATE OF acronyms ON papers
  WHEN old.acronyms IS NOT new.acronyms BEGIN
  UPDATE acronyms SET papers = papers - 1
    WHERE (short_key, long_key) IN
      (SELECT json_extract(value, '$[0]'), json_extract(value, '$[2]') FROM json_each(old.acronyms));
  INSERT INTO acronyms (short_key, short, long_key, long, papers)
    SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]'), 1
    FROM json_each(new.acronyms) WHERE true
    ON CONFLICT (short_key, long_key) DO UPDATE SET papers = papers + 1;
  DELETE FROM acronyms WHERE papers <= 0 AND (short_key, long_key) IN
    (SELECT json_extract(value, '$[0]'), json_extract(value, '$[2]') FROM json_each(old.acronyms));
END;

CREATE TRIGGER papers_derived_delete AFTER DELETE ON papers BEGIN
  DELETE FROM paper_authors WHERE paper_num = old.num;
  DELETE FROM paper_categories WHERE paper_num = old.num;
  UPDATE acronyms SET papers = papers - 1
    WHERE (short_key, long_key) IN
      (SELECT json_extract(value, '$[0]'), json_extract(value, '$[2]') FROM json_each(old.acronyms));
  DELETE FROM acronyms WHERE papers <= 0 AND (short_key, long_key) IN
    (SELECT json_extract(value, '$[0]'), json_extract(value, '$[2]') FROM json_each(old.acronyms));
END;
