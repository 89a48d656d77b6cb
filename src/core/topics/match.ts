import { listAuthorsNamed } from "../db/paper-authors.ts";
import { listPaperNumsInCategory } from "../db/paper-categories.ts";
import {
	listPaperStatsAddedBetween,
	matchPaperNumsInRange,
	matchPaperNumsInRangeMany,
	type NumRange,
} from "../db/papers.ts";
import type { Db } from "../db/schema.ts";
import { authorKeyText, authorNameMatches } from "../papers/author-names.ts";
import { phrasesQuery, topicQuery, topicTitleQuery } from "./fts.ts";
import type { AuthorFilter, CategoryFilter, ParsedKeywords, Phrase, Topic } from "./parse.ts";

/** Which papers a topic matches, anywhere and in the title. */
export interface TopicHits {
	all: readonly number[];
	inTitle: ReadonlySet<number>;
}

export interface RankedPaper {
	num: number;
	/**
	 * Why: the reasons of the reader's topics that matched (`diffusion`, `by Albert Gu`), in
	 * the reader's order; one list shared by the papers of a ranking that the same topics matched.
	 */
	matched: readonly string[];
	inTitle: boolean;
	/** An author topic matched: these come first. */
	byAuthor: boolean;
}

/**
 * The papers of the matcher's range in the order that ranks equal keyword matches:
 * more upvotes, then more recent, then lower num. Sets of papers are bitsets over these
 * positions (bit p of word p >>> 5), so a set in position order is a set in rank order.
 */
interface Ordered {
	nums: Int32Array;
	/** Added time of each position, ms since the epoch (readers with narrower windows). */
	added: Float64Array;
	position: Map<number, number>;
	/** 32-bit words per bitset. */
	words: number;
	/** The row numbers the range's papers lie within (undefined: no papers): every lookup is kept to it. */
	rows: NumRange | undefined;
}

/** What ranking one reader needs: the order, each keyword's hits, the exclusions' hits. */
interface Prepared {
	ordered: Ordered;
	topics: CompiledHits[];
	excluded: CompiledHits | undefined;
}

/** A topic's hits (or an exclusion set's) as bitsets; `title` is within `all`. */
interface CompiledHits {
	all: Uint32Array;
	title: Uint32Array;
	/** Hits of an author topic: ranked above the others. */
	byAuthor: boolean;
	/** The words of `all` with any hit: most topics match a few papers of a week, and counting skips the rest. */
	words: Int32Array;
}

function compiledHits(all: Uint32Array, title: Uint32Array, byAuthor: boolean): CompiledHits {
	let count = 0;
	for (let w = 0; w < all.length; w++) if (all[w] !== 0) count++;
	const words = new Int32Array(count);
	count = 0;
	for (let w = 0; w < all.length; w++) if (all[w] !== 0) words[count++] = w;
	return { all, title, byAuthor, words };
}

const authorsKey = (authors: readonly AuthorFilter[]) => authors.map((a) => authorKeyText(a.key)).join("|");
const categoriesKey = (categories: readonly CategoryFilter[]) =>
	categories.map((c) => (c.archive ? `${c.category}*` : c.category)).join("|");
// The same FTS5 expression can be words (`has …`, with title flags), an exclusion set (`not …`)
// and part of a topic with filters (`topic …`): keep them apart.
const wordsOnly = (topic: Topic) => !topic.authors.length && !topic.categories.length && topic.anyOf.length > 0;
const wordsKey = (topic: Topic) => `has ${topicQuery(topic)}`;
const topicKey = (topic: Topic) =>
	wordsOnly(topic)
		? wordsKey(topic)
		: `topic ${topic.anyOf.length ? topicQuery(topic) : `* NOT ${phrasesQuery(topic.noneOf)}`} by ${authorsKey(topic.authors)} in ${categoriesKey(topic.categories)}`;
const exclusionKey = (noneOf: readonly Phrase[]) => `not ${phrasesQuery(noneOf)}`;

/**
 * Runs a task once the callbacks queued in this turn have run: the asks of every reader
 * being ranked at once. Node's setTimeout(0) waits at least a millisecond, which a reader
 * ranked alone pays for each topic not compiled yet (about 1 s of waiting over the
 * benchmark's 100,000 readers, half the matching pass); its setImmediate waits for
 * nothing. Elsewhere (Workers, which run without nodejs_compat), setTimeout(0).
 */
const afterThisTurn: (task: () => void) => void = (() => {
	const { setImmediate } = globalThis as { setImmediate?: (task: () => void) => unknown };
	return setImmediate ? (task) => void setImmediate(task) : (task) => void setTimeout(task, 0);
})();

/** Windows narrower than the matcher's range, kept as bitsets; readers share a handful. */
const maxCachedWindows = 64;

/**
 * Matches many readers' keywords against the papers added in one time range. Each
 * distinct topic costs one pair of FTS5 queries per matcher, and each distinct set of
 * exclusions (`-survey` as its own keyword) one more, however many readers share them.
 * Combining per reader is bitset arithmetic over the range (words = papers / 32 per
 * keyword), so it costs the same whether a keyword matches 5 papers or 1,500, and the
 * best papers come out in order without sorting the hits.
 */
export class TopicMatcher {
	readonly #hits = new Map<string, Promise<CompiledHits>>();
	readonly #ready = new Map<string, CompiledHits>();
	/** Compiled hits by Topic object: callers that reuse parsed topics skip building the key. */
	readonly #byTopic = new WeakMap<Topic, CompiledHits>();
	readonly #windows = new Map<string, Uint32Array>();
	#ordered: Promise<Ordered> | undefined;
	#orderedNow: Ordered | undefined;
	#scratch = new Scratch(0, 0);
	/** One ranking's lists of reasons, by the set of its topics that matched (see reasonsOf). */
	readonly #reasons = new Map<number, readonly string[]>();
	/** FTS5 expressions asked for since the last flush: run together, one statement. */
	#asked: { query: string; resolve: (nums: number[]) => void; reject: (error: unknown) => void }[] = [];

	/** Seed (example) papers count only where asked: the live preview, never a digest. */
	constructor(
		private readonly db: Db,
		readonly from: string,
		readonly to: string,
		private readonly options: { includeSeedPapers?: boolean } = {},
	) {}

	/**
	 * Distinct word sets, exclusion sets and topics with filters compiled so far, each one
	 * FTS5 query pair or index lookup however many readers share it (benchmarks, tests).
	 */
	get queries(): number {
		return this.#hits.size;
	}

	#order(): Promise<Ordered> {
		this.#ordered ??= listPaperStatsAddedBetween(
			this.db,
			this.from,
			this.to,
			this.options.includeSeedPapers === true,
		).then((rows) => {
			const stats = rows.map((r) => ({
				num: r.num,
				upvotes: r.upvotes,
				addedAt: r.addedAt,
				recency: r.publishedAt ?? r.addedAt,
			}));
			stats.sort(
				(a, b) =>
					b.upvotes - a.upvotes || (b.recency > a.recency ? 1 : b.recency < a.recency ? -1 : 0) || a.num - b.num,
			);
			let lo = Number.POSITIVE_INFINITY;
			let hi = Number.NEGATIVE_INFINITY;
			for (const { num } of stats) {
				if (num < lo) lo = num;
				if (num > hi) hi = num;
			}
			this.#orderedNow = {
				nums: Int32Array.from(stats, (s) => s.num),
				added: Float64Array.from(stats, (s) => Date.parse(s.addedAt)),
				position: new Map(stats.map((s, i) => [s.num, i])),
				words: (stats.length + 31) >>> 5,
				rows: stats.length ? { lo, hi } : undefined,
			};
			return this.#orderedNow;
		});
		return this.#ordered;
	}

	#bitset(ordered: Ordered, nums: readonly number[]): Uint32Array {
		const set = new Uint32Array(ordered.words);
		for (const num of nums) {
			const p = ordered.position.get(num);
			if (p !== undefined) set[p >>> 5] = (set[p >>> 5] as number) | (1 << (p & 31));
		}
		return set;
	}

	/** Runs an FTS5 search once per matcher and keeps its hits as bitsets. */
	#compiled(key: string, run: (ordered: Ordered) => Promise<CompiledHits>): Promise<CompiledHits> {
		let hits = this.#hits.get(key);
		if (!hits) {
			hits = this.#order().then(run);
			hits.then(
				(h) => this.#ready.set(key, h),
				() => this.#hits.delete(key),
			);
			this.#hits.set(key, hits);
		}
		return hits;
	}

	/** Row numbers of the range matching an FTS5 expression, as a bitset (none when the range is empty). */
	async #match(ordered: Ordered, query: string): Promise<Uint32Array> {
		const rows = ordered.rows;
		return this.#bitset(ordered, rows ? await this.#matchSoon(query, rows) : []);
	}

	/**
	 * Full-text searches asked for in the same turn (a planner ranking 500 readers at once
	 * asks for every distinct topic) go to the database as one statement: D1 allows 1,000
	 * statements per invocation, and a period has about as many distinct topics.
	 */
	#matchSoon(query: string, rows: NumRange): Promise<number[]> {
		return new Promise((resolve, reject) => {
			if (!this.#asked.length) afterThisTurn(() => void this.#flush(rows));
			this.#asked.push({ query, resolve, reject });
		});
	}

	async #flush(rows: NumRange): Promise<void> {
		const asked = this.#asked;
		this.#asked = [];
		if (asked.length === 1) {
			const [one] = asked as [(typeof asked)[number]];
			return matchPaperNumsInRange(this.db, one.query, rows).then(one.resolve, one.reject);
		}
		try {
			const hits = await matchPaperNumsInRangeMany(
				this.db,
				asked.map((a) => a.query),
				rows,
			);
			asked.forEach((a, i) => {
				a.resolve(hits[i] ?? []);
			});
		} catch {
			// One bad expression fails the statement: ask one by one, so only its topic fails.
			for (const a of asked) matchPaperNumsInRange(this.db, a.query, rows).then(a.resolve, a.reject);
		}
	}

	/**
	 * A topic's own hits (its alternatives minus its own exclusions, within its filters),
	 * once per distinct topic. Its words' hits are shared with every topic that has the
	 * same words (`cat:cs.CV diffusion` and `diffusion`), so a filter costs an index lookup.
	 */
	#topic(topic: Topic): Promise<CompiledHits> {
		if (wordsOnly(topic)) return this.#words(topic);
		return this.#compiled(topicKey(topic), async (ordered) => {
			const [text, authors, categories] = await Promise.all([
				topic.anyOf.length ? this.#words(topic) : undefined,
				topic.authors.length ? this.#byAuthors(ordered, topic.authors) : undefined,
				topic.categories.length ? this.#inCategories(ordered, topic.categories) : undefined,
			]);
			const all = text ? Uint32Array.from(text.all) : await this.#everythingBut(ordered, topic.noneOf);
			for (const filter of [authors, categories]) {
				if (filter) for (let w = 0; w < all.length; w++) all[w] = (all[w] as number) & (filter[w] as number);
			}
			const title = new Uint32Array(all.length);
			if (text) for (let w = 0; w < title.length; w++) title[w] = (text.title[w] as number) & (all[w] as number);
			return compiledHits(all, title, topic.authors.length > 0);
		});
	}

	/** The hits of a topic's words alone (alternatives minus its exclusions): one FTS5 query pair. */
	#words(topic: Topic): Promise<CompiledHits> {
		return this.#compiled(wordsKey(topic), async (ordered) => {
			const all = await this.#match(ordered, topicQuery(topic));
			if (!all.some((w) => w !== 0)) return compiledHits(all, all, false);
			const title = await this.#match(ordered, topicTitleQuery(topic));
			for (let w = 0; w < title.length; w++) title[w] = (title[w] as number) & (all[w] as number);
			return compiledHits(all, title, false);
		});
	}

	/** Every paper of the range, minus those with any of these phrases (a topic of filters only). */
	async #everythingBut(ordered: Ordered, noneOf: readonly Phrase[]): Promise<Uint32Array> {
		const all = new Uint32Array(ordered.words);
		for (let p = 0; p < ordered.nums.length; p++) all[p >>> 5] = (all[p >>> 5] as number) | (1 << (p & 31));
		if (!noneOf.length) return all;
		const excluded = await this.#match(ordered, phrasesQuery(noneOf));
		for (let w = 0; w < all.length; w++) all[w] = (all[w] as number) & ~(excluded[w] as number);
		return all;
	}

	/** Papers with an author any of these can be: an index lookup by last name, then the given names compared. */
	async #byAuthors(ordered: Ordered, authors: readonly AuthorFilter[]): Promise<Uint32Array> {
		const rows = ordered.rows;
		if (!rows) return new Uint32Array(ordered.words);
		const found = await Promise.all(authors.map((a) => listAuthorsNamed(this.db, a.key.last, rows)));
		const nums = found.flatMap((candidates, i) => {
			const asked = (authors[i] as AuthorFilter).key;
			return candidates.filter((c) => authorNameMatches(asked, c.author)).map((c) => c.num);
		});
		return this.#bitset(ordered, nums);
	}

	/** Papers listed in any of these categories (or archives): index ranges. */
	async #inCategories(ordered: Ordered, categories: readonly CategoryFilter[]): Promise<Uint32Array> {
		const rows = ordered.rows;
		if (!rows) return new Uint32Array(ordered.words);
		const found = await Promise.all(
			categories.map((c) => listPaperNumsInCategory(this.db, c.category, c.archive, rows)),
		);
		return this.#bitset(ordered, found.flat());
	}

	/** Papers any of these phrases excludes (keywords like `-survey` apply to every topic). */
	#excluded(noneOf: readonly Phrase[]): Promise<CompiledHits | undefined> {
		if (!noneOf.length) return Promise.resolve(undefined);
		return this.#compiled(exclusionKey(noneOf), async (ordered) => {
			const all = await this.#match(ordered, phrasesQuery(noneOf));
			return compiledHits(all, all, false);
		});
	}

	/** `A NOT B` in FTS5 is A's hits minus B's: the same papers, with one query per A and per B. */
	async hits(topic: Topic, globalNoneOf: readonly Phrase[]): Promise<TopicHits> {
		const [own, excluded, ordered] = await Promise.all([
			this.#topic(topic),
			this.#excluded(globalNoneOf),
			this.#order(),
		]);
		const all: number[] = [];
		const inTitle = new Set<number>();
		forEachBit(own.all, excluded?.all, (p) => {
			const num = ordered.nums[p] as number;
			all.push(num);
			if (hasBit(own.title, p)) inTitle.add(num);
			return true;
		});
		return { all, inTitle };
	}

	/** Everything ranking these keywords needs, when all of it is known already (no awaiting). */
	#readyFor(keywords: ParsedKeywords): Prepared | undefined {
		const ordered = this.#orderedNow;
		if (!ordered) return undefined;
		const topics: CompiledHits[] = [];
		for (const topic of keywords.topics) {
			let ready = this.#byTopic.get(topic);
			if (!ready) {
				ready = this.#ready.get(topicKey(topic));
				if (!ready) return undefined;
				this.#byTopic.set(topic, ready);
			}
			topics.push(ready);
		}
		const none = keywords.globalNoneOf;
		const excluded = none.length ? this.#ready.get(exclusionKey(none)) : undefined;
		if (none.length && !excluded) return undefined;
		return { ordered, topics, excluded };
	}

	async #prepare(keywords: ParsedKeywords): Promise<Prepared> {
		return {
			ordered: await this.#order(),
			topics: await Promise.all(keywords.topics.map((t) => this.#topic(t))),
			excluded: await this.#excluded(keywords.globalNoneOf),
		};
	}

	/** Positions added in [from, to), or undefined when that is the whole range. */
	#window(ordered: Ordered, from: string | undefined, to: string | undefined): Uint32Array | undefined {
		const lower = from !== undefined && from > this.from ? from : undefined;
		const upper = to !== undefined && to < this.to ? to : undefined;
		if (lower === undefined && upper === undefined) return undefined;
		const key = `${lower ?? ""}|${upper ?? ""}`;
		const cached = this.#windows.get(key);
		if (cached) return cached;
		const start = lower === undefined ? Number.NEGATIVE_INFINITY : Date.parse(lower);
		const end = upper === undefined ? Number.POSITIVE_INFINITY : Date.parse(upper);
		const set = new Uint32Array(ordered.words);
		ordered.added.forEach((at, p) => {
			if (at >= start && at < end) set[p >>> 5] = (set[p >>> 5] as number) | (1 << (p & 31));
		});
		if (this.#windows.size >= maxCachedWindows) this.#windows.clear();
		this.#windows.set(key, set);
		return set;
	}

	/**
	 * A reader's papers, best first: papers by an author they follow, then more of their
	 * keywords matched, then a title match over an abstract-only match, then upvotes,
	 * then recency.
	 */
	async rank(
		keywords: ParsedKeywords,
		options: { from?: string; to?: string; limit: number; exclude?: ReadonlySet<number> },
	): Promise<RankedPaper[]> {
		// After the first readers every topic is known: then ranking never waits.
		const { ordered, topics, excluded } = this.#readyFor(keywords) ?? (await this.#prepare(keywords));
		const k = topics.length;
		if (!k || options.limit <= 0) return [];
		const words = ordered.words;
		if (this.#scratch.words !== words || this.#scratch.levels < k + 2) {
			this.#scratch = new Scratch(words, Math.max(k + 2, this.#scratch.levels));
		}
		const scratch = this.#scratch;
		const allowed = this.#allowed(ordered, scratch, options, excluded);
		const reached = scratch.count(topics, allowed);
		let authors = false;
		for (const t of topics) authors ||= t.byAuthor;
		const count = scratch.best(reached, options.limit, authors);
		const ranked: RankedPaper[] = new Array(count);
		const reasons = this.#reasons;
		for (let i = 0; i < count; i++) {
			const p = scratch.picked[i] as number;
			ranked[i] = {
				num: ordered.nums[p] as number,
				matched: reasonsOf(keywords.topics, topics, p, reasons),
				inTitle: hasBit(scratch.title, p),
				byAuthor: hasBit(scratch.authored, p),
			};
		}
		reasons.clear();
		scratch.clear(reached);
		return ranked;
	}

	/** The positions a reader may get: their window, minus exclusions. Undefined = all. */
	#allowed(
		ordered: Ordered,
		scratch: Scratch,
		options: { from?: string; to?: string; exclude?: ReadonlySet<number> },
		excluded: CompiledHits | undefined,
	): Uint32Array | undefined {
		const window = this.#window(ordered, options.from, options.to);
		if (!excluded && !options.exclude?.size) return window;
		const allowed = scratch.allowed;
		if (window) allowed.set(window);
		else allowed.fill(0xffffffff);
		if (excluded)
			for (let w = 0; w < allowed.length; w++) allowed[w] = (allowed[w] as number) & ~(excluded.all[w] as number);
		for (const num of options.exclude ?? []) {
			const p = ordered.position.get(num);
			if (p !== undefined) allowed[p >>> 5] = (allowed[p >>> 5] as number) & ~(1 << (p & 31));
		}
		return allowed;
	}
}

const hasBit = (set: Uint32Array, p: number) => ((set[p >>> 5] as number) & (1 << (p & 31))) !== 0;

/** Readers with up to this many topics share reasons between papers, keyed by a bitmask of topics. */
const sharedReasonsMaxTopics = 30;

/**
 * The reasons of the topics that matched position p. A digest's papers were mostly matched
 * by the same few sets of topics, and one list per set (in `shared`, for one ranking) saves
 * a list per paper: 100,000 readers' rankings allocate about half as much.
 */
function reasonsOf(
	labels: readonly Topic[],
	topics: readonly CompiledHits[],
	p: number,
	shared: Map<number, readonly string[]>,
): readonly string[] {
	const k = topics.length;
	let set = 0;
	if (k <= sharedReasonsMaxTopics) {
		for (let t = 0; t < k; t++) if (hasBit((topics[t] as CompiledHits).all, p)) set |= 1 << t;
		const known = shared.get(set);
		if (known) return known;
	}
	const matched: string[] = [];
	for (let t = 0; t < k; t++) if (hasBit((topics[t] as CompiledHits).all, p)) matched.push((labels[t] as Topic).reason);
	if (k <= sharedReasonsMaxTopics) shared.set(set, matched);
	return matched;
}

/** Calls `each` with the positions in `set` (minus `minus`) in increasing order until it returns false. */
function forEachBit(set: Uint32Array, minus: Uint32Array | undefined, each: (p: number) => boolean): void {
	for (let w = 0; w < set.length; w++) {
		let bits = (set[w] as number) & ~(minus ? (minus[w] as number) : 0);
		while (bits !== 0) {
			const low = bits & -bits;
			if (!each((w << 5) + 31 - Math.clz32(low))) return;
			bits ^= low;
		}
	}
}

/**
 * Working bitsets of rank(), allocated once per matcher and cleared after each call.
 * levels[j] holds the papers matched by at least j of the reader's keywords (j >= 1),
 * counted by carrying each keyword's bits up the levels; `title` the papers with a
 * title match on any keyword that matched; `authored` those an author topic matched.
 */
class Scratch {
	readonly bits: Uint32Array;
	readonly title: Uint32Array;
	readonly authored: Uint32Array;
	readonly allowed: Uint32Array;
	/** The positions best() picked, best first: its count of them are set. */
	picked = new Int32Array(0);

	constructor(
		readonly words: number,
		readonly levels: number,
	) {
		this.bits = new Uint32Array(words * levels);
		this.title = new Uint32Array(words);
		this.authored = new Uint32Array(words);
		this.allowed = new Uint32Array(words);
	}

	/** Counts the topics' hits into the levels; returns the highest level any paper reached. */
	count(topics: readonly CompiledHits[], allowed: Uint32Array | undefined): number {
		const { bits, title, authored, words } = this;
		let reached = 0;
		for (let t = 0; t < topics.length; t++) {
			const hits = topics[t] as CompiledHits;
			const hitWords = hits.words;
			for (let i = 0; i < hitWords.length; i++) {
				const w = hitWords[i] as number;
				let add = hits.all[w] as number;
				if (allowed) add &= allowed[w] as number;
				if (add === 0) continue;
				// This keyword's papers enter level 1; those already at level j - 1 reach level j.
				// Levels nest, so the carry dies out at the papers' highest level: a paper
				// matched by two keywords costs two steps whatever the reader's number of keywords.
				let carry = add;
				let j = 1;
				for (; carry !== 0; j++) {
					const at = j * words + w;
					const before = bits[at] as number;
					bits[at] = before | carry;
					carry &= before;
				}
				if (j - 1 > reached) reached = j - 1;
				title[w] = (title[w] as number) | ((hits.title[w] as number) & add);
				if (hits.byAuthor) authored[w] = (authored[w] as number) | add;
			}
		}
		return reached;
	}

	/**
	 * Up to `limit` positions, into `picked`, and how many: papers by a followed author
	 * first (when `authors`), then most keywords, title matches before others, then position.
	 * `top` is the highest level count() reached.
	 */
	best(top: number, limit: number, authors: boolean): number {
		const { bits, title, authored, words } = this;
		// No more than every paper of the range can be picked, whatever the limit.
		const most = Math.min(limit, words * 32);
		if (this.picked.length < most) this.picked = new Int32Array(most);
		const picked = this.picked;
		let count = 0;
		// Author matches first (tier 0), then the rest (flip all bits of the authored set).
		for (let tier = authors ? 0 : -1; tier >= -1; tier--) {
			for (let j = top; j >= 1; j--) {
				// Title matches first (flip 0), then the rest (flip all bits of the title set).
				for (let flip = 0; flip >= -1; flip--) {
					for (let w = 0; w < words; w++) {
						// Exactly j keywords: at level j and not at level j + 1.
						let set = (bits[j * words + w] as number) & ~(j < top ? (bits[(j + 1) * words + w] as number) : 0);
						set &= (title[w] as number) ^ flip;
						if (authors) set &= (authored[w] as number) ^ tier;
						while (set !== 0) {
							const low = set & -set;
							picked[count++] = (w << 5) + 31 - Math.clz32(low);
							if (count >= limit) return count;
							set ^= low;
						}
					}
				}
			}
		}
		return count;
	}

	clear(top: number): void {
		this.bits.fill(0, 0, (top + 1) * this.words);
		this.title.fill(0);
		this.authored.fill(0);
	}
}
