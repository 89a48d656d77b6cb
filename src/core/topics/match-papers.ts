import { getPapersByNums } from "../db/papers.ts";
import type { Deps } from "../deps.ts";
import type { Paper } from "../papers/paper.ts";
import { resolveKeywords } from "./acronym-expansion.ts";
import { TopicMatcher } from "./match.ts";

export interface MatchedPaper {
	paper: Paper;
	/** The reasons of the topics that matched it (`diffusion`, `by Albert Gu`), in the keywords' order. */
	matched: readonly string[];
	byAuthor: boolean;
	inTitle: boolean;
}

export interface PaperMatches {
	/** Each topic as read: its reason and what its acronyms also matched. */
	topics: { keyword: string; reason: string; alsoMatching: string[] }[];
	papers: MatchedPaper[];
}

const beginning = "0000-01-01T00:00:00.000Z";

/**
 * Every stored paper (the demo seed papers too) that these keywords match, ranked as a
 * digest ranks them, with the reason for each: `paperboy match`, for operators checking
 * a reader's complaint and for evaluating matching (bench/relevance). No window or count
 * limit but `since` (papers first seen at or after it). The example papers of a fresh
 * install count here, as in the live preview.
 */
export async function matchStoredPapers(
	deps: Pick<Deps, "db" | "clock">,
	keywords: readonly string[],
	options: { since?: string } = {},
): Promise<PaperMatches> {
	const parsed = await resolveKeywords(deps.db, keywords);
	const to = new Date(deps.clock.now().getTime() + 1).toISOString();
	const matcher = new TopicMatcher(deps.db, options.since ?? beginning, to, { includeSeedPapers: true });
	const ranked = await matcher.rank(parsed, { limit: Number.MAX_SAFE_INTEGER });
	const rows = new Map(
		(
			await getPapersByNums(
				deps.db,
				ranked.map((r) => r.num),
			)
		).map((p) => [p.num, p]),
	);
	return {
		topics: parsed.topics.map((t) => ({
			keyword: t.label,
			reason: t.reason,
			alsoMatching: t.expansions.flatMap((e) => e.to),
		})),
		papers: ranked.flatMap((r) => {
			const paper = rows.get(r.num);
			return paper ? [{ paper, matched: r.matched, byAuthor: r.byAuthor, inTitle: r.inTitle }] : [];
		}),
	};
}
