import { listPaperStatsAddedBetween, matchPaperNums } from "../db/papers.ts";
import type { Db } from "../db/schema.ts";
import { topicQuery, topicTitleQuery } from "./fts.ts";
import type { ParsedKeywords, Phrase, Topic } from "./parse.ts";

export interface PaperStat {
	num: number;
	upvotes: number;
	addedAt: string;
	/** Recency for ranking: publication date when known, else first seen. */
	recency: string;
}

/** Which papers a topic matches, anywhere and in the title. */
export interface TopicHits {
	all: readonly number[];
	inTitle: ReadonlySet<number>;
}

export interface RankedPaper {
	num: number;
	/** Labels of the reader's keywords that matched, in the reader's order. */
	matched: string[];
	inTitle: boolean;
}

/**
 * Matches many readers' keywords against the papers added in one time range. Each
 * distinct topic costs one pair of FTS5 queries per matcher, however many readers share
 * it; combining per reader is plain in-memory work. Readers with narrower windows
 * filter by `addedAt`.
 */
export class TopicMatcher {
	readonly #hits = new Map<string, Promise<TopicHits>>();
	#stats: Promise<Map<number, PaperStat>> | undefined;

	constructor(
		private readonly db: Db,
		readonly from: string,
		readonly to: string,
	) {}

	/** Number of distinct FTS5 topic queries run so far (for benchmarks and tests). */
	get queries(): number {
		return this.#hits.size;
	}

	stats(): Promise<Map<number, PaperStat>> {
		this.#stats ??= listPaperStatsAddedBetween(this.db, this.from, this.to).then(
			(rows) =>
				new Map(
					rows.map((r) => [
						r.num,
						{ num: r.num, upvotes: r.upvotes, addedAt: r.added_at, recency: r.published_at ?? r.added_at },
					]),
				),
		);
		return this.#stats;
	}

	hits(topic: Topic, globalNoneOf: readonly Phrase[]): Promise<TopicHits> {
		const query = topicQuery(topic, globalNoneOf);
		let hits = this.#hits.get(query);
		if (!hits) {
			hits = (async () => {
				const all = await matchPaperNums(this.db, query, this.from, this.to);
				if (!all.length) return { all, inTitle: new Set<number>() };
				const titled = await matchPaperNums(this.db, topicTitleQuery(topic), this.from, this.to);
				const matched = new Set(all);
				return { all, inTitle: new Set(titled.filter((n) => matched.has(n))) };
			})();
			this.#hits.set(query, hits);
		}
		return hits;
	}

	/**
	 * A reader's papers, best first: more of their keywords matched, then a title match
	 * over an abstract-only match, then upvotes, then recency.
	 */
	async rank(
		keywords: ParsedKeywords,
		options: { from?: string; to?: string; limit: number; exclude?: ReadonlySet<number> },
	): Promise<RankedPaper[]> {
		const stats = await this.stats();
		const from = options.from ?? this.from;
		const to = options.to ?? this.to;
		const found = new Map<number, RankedPaper>();
		for (const topic of keywords.topics) {
			const hits = await this.hits(topic, keywords.globalNoneOf);
			for (const num of hits.all) {
				const stat = stats.get(num);
				if (!stat || stat.addedAt < from || stat.addedAt >= to || options.exclude?.has(num)) continue;
				let paper = found.get(num);
				if (!paper) {
					paper = { num, matched: [], inTitle: false };
					found.set(num, paper);
				}
				paper.matched.push(topic.label);
				if (hits.inTitle.has(num)) paper.inTitle = true;
			}
		}
		const ranked = [...found.values()];
		ranked.sort((a, b) => {
			const sa = stats.get(a.num) as PaperStat;
			const sb = stats.get(b.num) as PaperStat;
			return (
				b.matched.length - a.matched.length ||
				Number(b.inTitle) - Number(a.inTitle) ||
				sb.upvotes - sa.upvotes ||
				(sb.recency > sa.recency ? 1 : sb.recency < sa.recency ? -1 : 0) ||
				a.num - b.num
			);
		});
		return ranked.slice(0, options.limit);
	}
}
