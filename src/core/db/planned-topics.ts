/** The `planned_topics` table: what digest planning matched per period and keyword (the admin topics page). */
import { sql } from "kysely";
import type { Db } from "./schema.ts";

export interface PlannedTopic {
	period: string;
	keyword: string;
	/** Papers first seen in [windowStart, windowEnd) it matched; null for a keyword that only excludes. */
	papers: number | null;
	windowStart: string;
	windowEnd: string;
}

/** Rows per statement, bound as one JSON value (D1 binds at most 100 values per statement). */
const perStatement = 500;

/**
 * Stores (or replaces) what planning matched for these periods' keywords, and drops the
 * rows of periods planned before `keepFrom`: the page reads a few weeks, no more.
 */
export async function storePlannedTopics(
	db: Db,
	topics: readonly PlannedTopic[],
	p: { at: string; keepFrom: string },
): Promise<void> {
	for (let i = 0; i < topics.length; i += perStatement) {
		const rows = topics
			.slice(i, i + perStatement)
			.map((t) => ({ p: t.period, k: t.keyword, n: t.papers, s: t.windowStart, e: t.windowEnd }));
		await sql`
			insert into planned_topics (period, keyword, papers, window_start, window_end, planned_at)
			select j.value ->> 'p', j.value ->> 'k', j.value ->> 'n', j.value ->> 's', j.value ->> 'e', ${p.at}
			from json_each(${JSON.stringify(rows)}) as j where true
			on conflict (period, keyword) do update set
				papers = excluded.papers,
				window_start = excluded.window_start,
				window_end = excluded.window_end,
				planned_at = excluded.planned_at`.execute(db);
	}
	await db.deleteFrom("planned_topics").where("planned_at", "<", p.keepFrom).execute();
}

/**
 * What planning matched in the periods planned since `since`: the periods, and per keyword
 * the papers summed over their windows (null: only excludes) with the windows' total length.
 */
export async function sumPlannedTopicsSince(
	db: Db,
	since: string,
): Promise<{ periods: string[]; topics: Map<string, { papers: number | null; windowMs: number }> }> {
	const periods = await db
		.selectFrom("planned_topics")
		.select("period")
		.distinct()
		.where("planned_at", ">=", since)
		.orderBy("period")
		.execute();
	const { rows } = await sql<{ keyword: string; papers: number | null; ms: number }>`
		select keyword, sum(papers) as papers,
			sum((julianday(window_end) - julianday(window_start)) * 86400000) as ms
		from planned_topics where planned_at >= ${since}
		group by keyword`.execute(db);
	return {
		periods: periods.map((r) => r.period),
		topics: new Map(
			rows.map((r) => [r.keyword, { papers: r.papers === null ? null : Number(r.papers), windowMs: Number(r.ms) }]),
		),
	};
}
