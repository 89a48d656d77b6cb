/**
 * The admin topics page: the topics active readers chose, by number of readers, with
 * the papers each matched per week over the last four weeks (the live preview's window
 * and matcher), the topics that matched nothing, and the readers none of whose topics
 * matched anything: they get no digest at all.
 */
import { countActiveReadersPerKeyword, countActiveReadersWithNoneOf } from "../db/subscribers.ts";
import type { Deps } from "../deps.ts";
import { resolveKeywords } from "../topics/acronym-expansion.ts";
import { previewWeeks } from "../topics/keyword-preview.ts";
import { TopicMatcher } from "../topics/match.ts";

export interface TopicReport {
	keyword: string;
	readers: number;
	/** Papers it matched over the last four weeks; null for a keyword that only excludes (`-survey`). */
	matched: number | null;
	perWeek: number | null;
}

export async function topicsReport(deps: Pick<Deps, "db" | "clock">) {
	const now = deps.clock.now().getTime();
	const from = new Date(now - previewWeeks * 7 * 86_400_000).toISOString();
	const matcher = new TopicMatcher(deps.db, from, new Date(now + 1).toISOString());
	const topics: TopicReport[] = [];
	for (const { keyword, readers } of await countActiveReadersPerKeyword(deps.db)) {
		const [topic] = (await resolveKeywords(deps.db, [keyword])).topics;
		const matched = topic ? (await matcher.hits(topic, [])).all.length : null;
		topics.push({ keyword, readers, matched, perWeek: matched === null ? null : matched / previewWeeks });
	}
	const matching = topics.filter((t) => t.matched).map((t) => t.keyword);
	return {
		weeks: previewWeeks,
		topics,
		silent: topics.filter((t) => t.matched === 0),
		readersWithNothing: await countActiveReadersWithNoneOf(deps.db, matching),
	};
}

export type TopicsReport = Awaited<ReturnType<typeof topicsReport>>;
