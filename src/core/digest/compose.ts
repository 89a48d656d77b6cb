import { getPapersByNums } from "../db/papers.ts";
import type { Frequency, PaperRow } from "../db/schema.ts";
import type { Deps } from "../deps.ts";
import { manageUrl, unsubscribeUrl } from "../subscriptions/links.ts";
import { manageTokenFor } from "../subscriptions/tokens.ts";
import { TopicMatcher } from "../topics/match.ts";
import { parseKeywords } from "../topics/parse.ts";
import { type DigestPaper, type RenderedDigest, renderDigest } from "./render.ts";

export interface DigestReader {
	id: number;
	email: string;
	/** JSON array, as stored. */
	keywords: string;
	frequency: Frequency;
	manageSalt: string;
}

export interface ComposedDigest {
	papers: DigestPaper[];
	rendered: RenderedDigest;
	unsubscribeUrl: string;
}

/**
 * Shared state for composing many digests in one run: one matcher (one FTS5 query per
 * distinct topic) and the paper rows already loaded.
 */
export class DigestComposer {
	#matcher: TopicMatcher | undefined;
	readonly #papers = new Map<number, PaperRow>();

	constructor(private readonly deps: Pick<Deps, "db" | "config">) {}

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

	async papersFor(reader: DigestReader, window: { from: string; to: string }): Promise<DigestPaper[]> {
		const keywords = parseKeywords(JSON.parse(reader.keywords) as string[]);
		const ranked = await this.matcherFor(window.from, window.to).rank(keywords, {
			from: window.from,
			to: window.to,
			limit: this.deps.config.digest.maxPapers,
		});
		const missing = ranked.map((r) => r.num).filter((num) => !this.#papers.has(num));
		for (const row of await getPapersByNums(this.deps.db, missing)) this.#papers.set(row.num, row);
		return ranked.flatMap((r) => {
			const paper = this.#papers.get(r.num);
			return paper ? [{ paper, matched: r.matched }] : [];
		});
	}

	/** The reader's digest for a window, or undefined when no paper matches. */
	async compose(reader: DigestReader, window: { from: string; to: string }): Promise<ComposedDigest | undefined> {
		const papers = await this.papersFor(reader, window);
		if (!papers.length) return undefined;
		const { config } = this.deps;
		const token = await manageTokenFor(config.secret, { id: reader.id, manage_salt: reader.manageSalt });
		const links = { manageUrl: manageUrl(config, token), unsubscribeUrl: unsubscribeUrl(config, token) };
		const rendered = renderDigest(config, {
			email: reader.email,
			frequency: reader.frequency,
			keywords: JSON.parse(reader.keywords) as string[],
			papers,
			...links,
		});
		return { papers, rendered, unsubscribeUrl: links.unsubscribeUrl };
	}
}
