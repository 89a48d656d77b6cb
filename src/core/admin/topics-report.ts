/**
 * The admin topics page: the topics active readers chose, by number of readers, with
 * the papers each matched per week, the topics that matched nothing, and the readers none
 * of whose topics matched anything: they get no digest at all.
 *
 * Where digests were planned in the last four weeks, the numbers are what that planning
 * matched (planned_topics: each keyword's papers over the window it matched), read, not
 * matched again. A topic no planning saw (chosen since, or before any digest ran) is
 * matched now over the last four weeks, with the digest's matcher. The page says which.
 */
import { sumPlannedTopicsSince } from "../db/planned-topics.ts";
import { countActiveReadersPerKeyword, countActiveReadersWithNoneOf } from "../db/subscribers.ts";
import type { Deps } from "../deps.ts";
import { DigestComposer } from "../digest/digest-composer.ts";
import { previewWeeks } from "../topics/keyword-preview.ts";

const weekMs = 7 * 86_400_000;

export interface TopicReport {
	keyword: string;
	readers: number;
	/** Papers it matched; null for a keyword that only excludes (`-survey`). */
	matched: number | null;
	perWeek: number | null;
	/** Read from what digest planning matched, or matched now (no planning saw it). */
	from: "planning" | "now";
}

export async function topicsReport(deps: Pick<Deps, "db" | "clock" | "config">) {
	const now = deps.clock.now().getTime();
	const since = new Date(now - previewWeeks * weekMs).toISOString();
	const chosen = await countActiveReadersPerKeyword(deps.db);
	const planned = await sumPlannedTopicsSince(deps.db, since);
	const unplanned = chosen.filter((c) => !planned.topics.has(c.keyword)).map((c) => c.keyword);
	const live = unplanned.length
		? (await new DigestComposer(deps).countMatches(unplanned, { from: since, to: new Date(now + 1).toISOString() }))
				.papers
		: new Map<string, number | null>();
	const topics = chosen.map(({ keyword, readers }): TopicReport => {
		const stored = planned.topics.get(keyword);
		if (stored) {
			const { papers, windowMs } = stored;
			const perWeek = papers === null ? null : windowMs > 0 ? papers / (windowMs / weekMs) : 0;
			return { keyword, readers, matched: papers, perWeek, from: "planning" };
		}
		const matched = live.get(keyword) ?? null;
		return { keyword, readers, matched, perWeek: matched === null ? null : matched / previewWeeks, from: "now" };
	});
	const matching = topics.filter((t) => t.matched).map((t) => t.keyword);
	return {
		weeks: previewWeeks,
		/** The periods whose planning the numbers come from (planned in the last `weeks` weeks). */
		periods: planned.periods,
		/** Topics matched now: no planning in the last `weeks` weeks saw them. */
		matchedNow: unplanned.length,
		topics,
		silent: topics.filter((t) => t.matched === 0),
		readersWithNothing: await countActiveReadersWithNoneOf(deps.db, matching),
	};
}

export type TopicsReport = Awaited<ReturnType<typeof topicsReport>>;
