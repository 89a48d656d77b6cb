import { getPapersByIds, getPapersByNums } from "../db/papers.ts";
import type { Deps } from "../deps.ts";
import type { Paper } from "../papers/paper.ts";
import { Recommender } from "../recommend/recommender.ts";
import { linkTokenFor } from "../subscriptions/link-tokens.ts";
import { feedbackUrl, manageUrl, unsubscribeUrl } from "../subscriptions/links.ts";
import type { DigestReader } from "../subscriptions/reader.ts";
import { expandAcronyms, resolveKeywords } from "../topics/acronym-expansion.ts";
import { TopicMatcher } from "../topics/match.ts";
import { type ParsedKeywords, type Phrase, parseKeywords, type Topic } from "../topics/parse.ts";
import type { PlannedPaper } from "./delivery.ts";
import { type DigestPaper, type RenderedDigest, renderDigest, type SimilarPaper } from "./render.ts";

/** Keywords parsed one by one, as one reader's: plain topics as they are, exclusion keywords (rare) gathered for all topics. */
function combined(parts: readonly ParsedKeywords[]): ParsedKeywords {
	const topics: Topic[] = [];
	let plain = true;
	for (const part of parts) {
		for (const topic of part.topics) topics.push(topic);
		if (part.globalNoneOf.length || part.problems.length) plain = false;
	}
	if (plain) return { topics, globalNoneOf: [], problems: [] };
	const none = new Map<string, Phrase>();
	for (const phrase of parts.flatMap((p) => p.globalNoneOf)) none.set(phrase.join(" "), phrase);
	return { topics, globalNoneOf: [...none.values()], problems: parts.flatMap((p) => p.problems) };
}

/** Distinct keywords a run keeps parsed (readers share most of theirs); beyond it, start over. */
const maxCachedKeywords = 50_000;

export interface ComposedDigest {
	papers: DigestPaper[];
	/** "Close to papers you liked": new papers no topic matched. */
	similar: SimilarPaper[];
	rendered: RenderedDigest;
	unsubscribeUrl: string;
}

/**
 * Shared state for composing many digests in one run: one matcher (one FTS5 query per
 * distinct topic), one recommender (one candidate index per window) and the paper rows
 * already loaded.
 */
export class DigestComposer {
	#matcher: TopicMatcher | undefined;
	readonly #papers = new Map<number, Paper>();
	readonly #papersById = new Map<string, Paper>();
	readonly #keywords = new Map<string, ParsedKeywords>();
	readonly recommender: Recommender;

	constructor(private readonly deps: Pick<Deps, "db" | "config">) {
		this.recommender = new Recommender(deps.db, deps.config.digest.similarMax);
	}

	/** Reads a batch of readers' profiles at once (else each reader's is read when composed). */
	prepare(readerIds: readonly number[]): Promise<void> {
		return this.recommender.prepare(readerIds);
	}

	/** "Close to papers you liked" for a reader: new papers of the window none of `matched` holds. */
	async similarFor(
		reader: Pick<DigestReader, "id">,
		window: { from: string; to: string },
		matched: readonly DigestPaper[],
	): Promise<SimilarPaper[]> {
		if (!this.recommender.mayRecommend(reader.id)) return [];
		const found = await this.recommender.recommend(
			reader.id,
			window,
			matched.map((m) => m.paper.id),
		);
		const missing = found.filter((f) => !this.#papersById.has(f.paperId)).map((f) => f.paperId);
		if (missing.length)
			for (const paper of await getPapersByIds(this.deps.db, missing)) this.#papersById.set(paper.id, paper);
		return found.flatMap((f) => {
			const paper = this.#papersById.get(f.paperId);
			return paper ? [{ paper, closeTo: f.closeTo }] : [];
		});
	}

	/** The matcher for a window, widened (and rebuilt) only when a window falls outside it. */
	matcherFor(from: string, to: string): TopicMatcher {
		const current = this.#matcher;
		if (current && current.from <= from && current.to >= to) return current;
		const wider = new TopicMatcher(
			this.deps.db,
			current && current.from < from ? current.from : from,
			current && current.to > to ? current.to : to,
		);
		this.#matcher = wider;
		return wider;
	}

	get queries(): number {
		return this.#matcher?.queries ?? 0;
	}

	/**
	 * A reader's keywords, parsed and with acronyms expanded. Each distinct keyword is
	 * resolved once per run and its Topic object shared, which is also what lets the
	 * matcher find its hits by identity.
	 */
	async keywordsOf(list: readonly string[]): Promise<ParsedKeywords> {
		const known = this.#knownKeywords(list);
		if (known) return known;
		if (this.#keywords.size > maxCachedKeywords) this.#keywords.clear();
		const parts: ParsedKeywords[] = [];
		for (const keyword of list) {
			let one = this.#keywords.get(keyword);
			if (!one) {
				one = await resolveKeywords(this.deps.db, [keyword]);
				this.#keywords.set(keyword, one);
			}
			parts.push(one);
		}
		return combined(parts);
	}

	/** keywordsOf without waiting, when every keyword is resolved already (after a run's first readers). */
	#knownKeywords(list: readonly string[]): ParsedKeywords | undefined {
		if (list.length === 1) {
			const one = this.#keywords.get(list[0] as string);
			if (one && !one.globalNoneOf.length && !one.problems.length) return one;
		}
		const parts: ParsedKeywords[] = [];
		for (const keyword of list) {
			const one = this.#keywords.get(keyword);
			if (!one) return undefined;
			parts.push(one);
		}
		return combined(parts);
	}

	/**
	 * Resolves many readers' keywords at once: the acronyms of every keyword not seen yet in
	 * one dictionary lookup, rather than one per keyword (a planner's page of readers).
	 */
	async resolveAll(keywords: Iterable<string>): Promise<void> {
		if (this.#keywords.size > maxCachedKeywords) this.#keywords.clear();
		const fresh = [...new Set(keywords)].filter((k) => !this.#keywords.has(k));
		if (!fresh.length) return;
		const parsed = fresh.map((k) => parseKeywords([k]));
		const expanded = await expandAcronyms(
			this.deps.db,
			parsed.flatMap((p) => p.topics),
		);
		let next = 0;
		parsed.forEach((one, i) => {
			const topics = expanded.slice(next, next + one.topics.length);
			next += one.topics.length;
			this.#keywords.set(fresh[i] as string, { ...one, topics });
		});
	}

	async papersFor(reader: DigestReader, window: { from: string; to: string }): Promise<DigestPaper[]> {
		return this.#papersFor(this.#knownKeywords(reader.keywords) ?? (await this.keywordsOf(reader.keywords)), window);
	}

	/** What planning stores with a delivery: the reader's papers for the window, in rank order. */
	async plan(reader: DigestReader, window: { from: string; to: string }): Promise<PlannedPaper[]> {
		const ranked = await this.matcherFor(window.from, window.to).rank(await this.keywordsOf(reader.keywords), {
			from: window.from,
			to: window.to,
			limit: this.deps.config.digest.maxPapers,
		});
		return ranked.map((r) => ({ num: r.num, matched: r.matched }));
	}

	/**
	 * How many papers each keyword matches among those first seen in the matcher's range
	 * (at least `window`), null for a keyword that only excludes: what planning stores for
	 * the admin topics page, and what that page matches for a keyword no planning saw.
	 */
	async countMatches(
		keywords: readonly string[],
		window: { from: string; to: string },
	): Promise<{ from: string; to: string; papers: Map<string, number | null> }> {
		await this.resolveAll(keywords);
		const matcher = this.matcherFor(window.from, window.to);
		const counts = await Promise.all(
			keywords.map(async (keyword) => {
				const [topic] = (await this.keywordsOf([keyword])).topics;
				return topic ? (await matcher.hits(topic, [])).all.length : null;
			}),
		);
		return { from: matcher.from, to: matcher.to, papers: new Map(keywords.map((k, i) => [k, counts[i] ?? null])) };
	}

	/** Loads the rows of these papers not loaded yet, in one go (a sender does it per batch). */
	async load(nums: Iterable<number>): Promise<void> {
		const missing = new Set<number>();
		for (const num of nums) if (!this.#papers.has(num)) missing.add(num);
		if (missing.size)
			for (const row of await getPapersByNums(this.deps.db, [...missing])) this.#papers.set(row.num, row);
	}

	async #papersOf(planned: readonly PlannedPaper[]): Promise<DigestPaper[]> {
		const loaded = this.#loadedPapersOf(planned);
		if (loaded) return loaded;
		await this.load(planned.map((p) => p.num));
		const papers: DigestPaper[] = [];
		for (const p of planned) {
			const paper = this.#papers.get(p.num);
			if (paper) papers.push({ paper, matched: p.matched });
		}
		return papers;
	}

	/** #papersOf without waiting, when every paper is loaded already (most readers share most papers). */
	#loadedPapersOf(planned: readonly PlannedPaper[]): DigestPaper[] | undefined {
		const papers: DigestPaper[] = new Array(planned.length);
		for (let i = 0; i < planned.length; i++) {
			const { num, matched } = planned[i] as PlannedPaper;
			const paper = this.#papers.get(num);
			if (!paper) return undefined;
			papers[i] = { paper, matched };
		}
		return papers;
	}

	async #papersFor(keywords: ParsedKeywords, window: { from: string; to: string }): Promise<DigestPaper[]> {
		const ranked = await this.matcherFor(window.from, window.to).rank(keywords, {
			from: window.from,
			to: window.to,
			limit: this.deps.config.digest.maxPapers,
		});
		return this.#loadedPapersOf(ranked) ?? this.#papersOf(ranked);
	}

	/**
	 * The reader's digest for a window, or undefined when no paper matches and none is close
	 * to their likes: the papers matched at planning when given, else matched now.
	 */
	async compose(
		reader: DigestReader,
		window: { from: string; to: string },
		planned?: readonly PlannedPaper[],
	): Promise<ComposedDigest | undefined> {
		const papers = planned
			? await this.#papersOf(planned)
			: await this.#papersFor(await this.keywordsOf(reader.keywords), window);
		const similar = await this.similarFor(reader, window, papers);
		if (!papers.length && !similar.length) return undefined;
		const { config } = this.deps;
		// The body's manage link opens the manage page; headers and footer only unsubscribe;
		// the voting links only vote.
		const links = {
			manageUrl: manageUrl(config, linkTokenFor(config.secret, "manage", reader)),
			unsubscribeUrl: unsubscribeUrl(config, linkTokenFor(config.secret, "unsubscribe", reader)),
			feedbackUrl: feedbackUrl(config, linkTokenFor(config.secret, "feedback", reader)),
		};
		const rendered = renderDigest(config, {
			email: reader.email,
			frequency: reader.frequency,
			keywords: reader.keywords,
			papers,
			similar,
			...links,
		});
		return { papers, similar, rendered, unsubscribeUrl: links.unsubscribeUrl };
	}
}
