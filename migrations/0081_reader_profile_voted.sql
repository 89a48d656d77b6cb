-- The weekly run reads each reader's query with the papers they voted on (issue 13 item 5):
-- the votes are kept beside the query, written with it after each vote, rather than gathered
-- from paper_votes and sorted per reader on every run. JSON [num, …] of paper numbers,
-- negative for a 👎, newest vote first.
ALTER TABLE reader_profiles ADD COLUMN voted TEXT NOT NULL DEFAULT '[]';
UPDATE reader_profiles SET voted = (
  SELECT json_group_array(CASE v.vote WHEN 'like' THEN v.paper_num ELSE -v.paper_num END)
  FROM (SELECT paper_num, vote FROM paper_votes WHERE subscriber_id = reader_profiles.subscriber_id
        ORDER BY updated_at DESC, paper_num DESC) v
);

-- The profile's term sums were written on every vote and read by nothing (the profile is
-- rebuilt from the votes, docs/decisions/061-profiles-rebuilt-from-votes.md).
ALTER TABLE reader_profiles DROP COLUMN profile;
