/**
 * The live preview behind the signup and manage forms: which papers of the last four
 * weeks some keywords would have matched. It answers every keystroke of every visitor,
 * so it is kept cheap (issue 11): full-text queries stay within the window's rows (see
 * TopicMatcher), a matcher and recent answers are kept between requests until the papers
 * change or the hour turns, and each client gets RATE_LIMIT_PREVIEW_PER_IP_PER_MINUTE.
 */
import { clientKey } from "../client-key.ts";
import { anyPaperMatches, getPapersByNums, papersVersion } from "../db/papers.ts";
import { hitRateLimit } from "../db/rate-limits.ts";
import type { Db } from "../db/schema.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../errors.ts";
import { seedSource } from "../papers/paper.ts";
import { safeUrl } from "../safe-url.ts";
import { resolveKeywords } from "./acronym-expansion.ts";
import { phrasesQuery } from "./fts.ts";
import { TopicMatcher } from "./match.ts";
import type { Topic } from "./parse.ts";

export const previewWeeks = 4;

export interface KeywordPreview {
	weeks: number;
	/** Papers of the period that match at least one keyword. */
	total: number;
	perWeek: number;
	/**
	 * Per keyword: how many papers it alone matched (0: it would never show up), how it
	 * reads as a reason (`by Albert Gu`), what its acronyms also matched, and for a topic
	 * that matched nothing, why: a likely misspelling or simply nothing recent.
	 */
	topics: { keyword: string; count: number; reason: string; alsoMatching: string[]; note: string | null }[];
	problems: { keyword: string; reason: string }[];
	/** `example`: one of a fresh install's seed papers, which no digest carries. */
	papers: { id: string; title: string; url: string | null; matched: readonly string[]; example: boolean }[];
}

const hour = 3_600_000;

/**
 * What previews keep between requests: one per app (per process on Node, per isolate on
 * Workers). Valid for one version of the papers and one hour's window; a matcher is only
 * reused with the database it was made for (Workers bring a new one per request), and is
 * dropped once it holds `maxTopics` topics, so arbitrary keywords cannot grow it forever.
 */
export class PreviewCache {
	#key = "";
	#matcher: { db: Db; matcher: TopicMatcher } | undefined;
	readonly #answers = new Map<string, KeywordPreview>();

	constructor(
		readonly maxAnswers = 500,
		readonly maxTopics = 2000,
	) {}

	/** Starts over when the papers or the window changed. */
	validFor(key: string): void {
		if (key === this.#key) return;
		this.#key = key;
		this.#matcher = undefined;
		this.#answers.clear();
	}

	matcher(db: Db, from: string, to: string): TopicMatcher {
		const kept = this.#matcher;
		if (kept && kept.db === db && kept.matcher.queries < this.maxTopics) return kept.matcher;
		// The example papers of a fresh install show here (labelled), never in a digest.
		const matcher = new TopicMatcher(db, from, to, { includeSeedPapers: true });
		this.#matcher = { db, matcher };
		return matcher;
	}

	answer(keywords: string): KeywordPreview | undefined {
		const answer = this.#answers.get(keywords);
		if (answer) {
			// Least recently used goes first: re-insert what was used.
			this.#answers.delete(keywords);
			this.#answers.set(keywords, answer);
		}
		return answer;
	}

	remember(keywords: string, answer: KeywordPreview): void {
		this.#answers.set(keywords, answer);
		if (this.#answers.size > this.maxAnswers) this.#answers.delete(this.#answers.keys().next().value ?? keywords);
	}
}

/**
 * Which recent papers these keywords would have matched. The window is the last four
 * weeks, from the start of the current hour (so an hour's answers can be shared).
 */
export async function previewKeywords(
	deps: Pick<Deps, "db" | "clock">,
	keywords: readonly string[],
	options: { limit?: number; cache?: PreviewCache } = {},
): Promise<KeywordPreview> {
	const limit = options.limit ?? 10;
	const cache = options.cache ?? new PreviewCache();
	const thisHour = Math.floor(deps.clock.now().getTime() / hour) * hour;
	const from = new Date(thisHour - previewWeeks * 7 * 86_400_000).toISOString();
	const to = new Date(thisHour + hour).toISOString();
	cache.validFor(`${await papersVersion(deps.db)}|${from}`);
	const key = `${limit}\n${keywords.join("\n")}`;
	const known = cache.answer(key);
	if (known) return known;
	const matcher = cache.matcher(deps.db, from, to);
	const parsed = await resolveKeywords(deps.db, keywords);
	const topics = [];
	for (const topic of parsed.topics) {
		const hits = await matcher.hits(topic, parsed.globalNoneOf);
		const alsoMatching = topic.expansions.flatMap((e) => e.to);
		const count = hits.all.length;
		const note = count ? null : await noMatchNote(deps, topic);
		topics.push({ keyword: topic.label, count, reason: topic.reason, alsoMatching, note });
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
	const preview: KeywordPreview = {
		weeks: previewWeeks,
		total: ranked.length,
		perWeek: Math.round((ranked.length / previewWeeks) * 10) / 10,
		topics,
		problems: parsed.problems,
		papers: shown.flatMap((r) => {
			const paper = rows.get(r.num);
			if (!paper) return [];
			const example = paper.source === seedSource;
			return [{ id: paper.id, title: paper.title, url: safeUrl(paper.absUrl), matched: r.matched, example }];
		}),
	};
	cache.remember(key, preview);
	return preview;
}

/** `GET /preview` for a visitor: counted against their network's per-minute budget first. */
export async function previewForVisitor(
	deps: Pick<Deps, "db" | "clock" | "config">,
	keywords: readonly string[],
	visitor: { ip: string | null; cache: PreviewCache },
): Promise<KeywordPreview> {
	const client = clientKey(visitor.ip);
	if (client) {
		const minute = deps.clock.now().toISOString().slice(0, 16);
		const limit = deps.config.limits.previewPerIpPerMinute;
		if (!(await hitRateLimit(deps.db, `preview-ip:${client}`, minute, limit))) {
			throw new AppError("rate_limited", "Too many previews from your network. Wait a minute, then type again.");
		}
	}
	return previewKeywords(deps, keywords, { cache: visitor.cache });
}

/**
 * Why a topic matched nothing in the preview's weeks. A word that no stored paper of
 * any time contains is most likely misspelt; otherwise the topic is fine and nothing
 * recent happened to match. One indexed lookup per word, only for topics that matched
 * nothing.
 */
async function noMatchNote(deps: Pick<Deps, "db">, topic: Topic): Promise<string> {
	const recent = `nothing in the last ${previewWeeks} weeks`;
	const words = [...new Set(topic.anyOf.flat())];
	// An author or category topic has no words to check.
	if (!words.length) return recent;
	const unknown: string[] = [];
	for (const word of words) if (!(await anyPaperMatches(deps.db, phrasesQuery([[word]])))) unknown.push(word);
	if (unknown.length) {
		const quoted = unknown.map((w) => `“${w}”`).join(", ");
		return `no paper we have mentions ${quoted}: check the spelling`;
	}
	return `${recent}; its words are in other papers, so it may match later`;
}
