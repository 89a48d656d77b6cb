import { getPapersByNums } from "../db/papers.ts";
import type { Deps } from "../deps.ts";
import { safeUrl } from "../safe-url.ts";
import { resolveKeywords } from "./acronym-expansion.ts";
import { TopicMatcher } from "./match.ts";

export const previewWeeks = 4;

export interface KeywordPreview {
	weeks: number;
	/** Papers of the period that match at least one keyword. */
	total: number;
	perWeek: number;
	/**
	 * Per keyword: how many papers it alone matched (0: it would never show up), how it
	 * reads as a reason (`by Albert Gu`), and what its acronyms also matched.
	 */
	topics: { keyword: string; count: number; reason: string; alsoMatching: string[] }[];
	problems: { keyword: string; reason: string }[];
	papers: { id: string; title: string; url: string | null; matched: string[] }[];
}

/** Which recent papers these keywords would have matched: the form's live preview. */
export async function previewKeywords(
	deps: Pick<Deps, "db" | "clock">,
	keywords: readonly string[],
	limit = 10,
): Promise<KeywordPreview> {
	const now = deps.clock.now();
	const from = new Date(now.getTime() - previewWeeks * 7 * 86_400_000).toISOString();
	// Windows are half-open [from, to); include papers added this very millisecond.
	const matcher = new TopicMatcher(deps.db, from, new Date(now.getTime() + 1).toISOString());
	const parsed = await resolveKeywords(deps.db, keywords);
	const topics = [];
	for (const topic of parsed.topics) {
		const hits = await matcher.hits(topic, parsed.globalNoneOf);
		const alsoMatching = topic.expansions.flatMap((e) => e.to);
		topics.push({ keyword: topic.label, count: hits.all.length, reason: topic.reason, alsoMatching });
	}
	const ranked = await matcher.rank(parsed, { limit: Number.MAX_SAFE_INTEGER });
	const shown = ranked.slice(0, limit);
	const rows = new Map(
		(
			await getPapersByNums(
				deps.db,
				shown.map((r) => r.num),
			)
		).map((p) => [p.num, p]),
	);
	return {
		weeks: previewWeeks,
		total: ranked.length,
		perWeek: Math.round((ranked.length / previewWeeks) * 10) / 10,
		topics,
		problems: parsed.problems,
		papers: shown.flatMap((r) => {
			const paper = rows.get(r.num);
			return paper ? [{ id: paper.id, title: paper.title, url: safeUrl(paper.absUrl), matched: r.matched }] : [];
		}),
	};
}
