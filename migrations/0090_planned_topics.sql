-- What digest planning matched per topic, so the admin topics page reads it instead of
-- matching every topic again: per period and keyword, the papers that keyword matched
-- among those first seen in [window_start, window_end) (the window planning matched over).
-- papers is NULL for a keyword that only excludes (`-survey`). Planning rewrites a period's
-- rows when it matches again and drops rows of periods planned more than 8 weeks before.
CREATE TABLE planned_topics (
	period TEXT NOT NULL,
	keyword TEXT NOT NULL,
	papers INTEGER,
	window_start TEXT NOT NULL,
	window_end TEXT NOT NULL,
	planned_at TEXT NOT NULL,
	PRIMARY KEY (period, keyword)
) WITHOUT ROWID;

CREATE INDEX planned_topics_planned_at ON planned_topics (planned_at);
