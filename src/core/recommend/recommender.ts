/**
 * "Close to papers you liked" for one digest run: the period's weighed papers are indexed
 * once per window (candidate-index.ts) and each reader with a profile searches them with
 * their stored query. Readers' queries and votes are read a batch of deliveries at a time
 * (two statements, and a third for voted papers the run has not read yet), so the run
 * costs Σ over readers of their postings, never readers × papers (docs/recommender.md).
 */

import { listVotesByNum } from "../db/paper-votes.ts";
import { listPaperTerms, listPaperTermsByNums, type PaperTitleTerms } from "../db/papers.ts";
import { listProfileQueries } from "../db/reader-profiles.ts";
import type { Db } from "../db/schema.ts";
import { CandidateIndex, defaultMinScore, type SearchWork } from "./candidate-index.ts";
import type { Vote } from "./profile.ts";
import type { TermVector } from "./term-vector.ts";

/** A recommended paper, by id, with the title of the liked paper closest to it. */
export interface Recommendation {
	paperId: string;
	score: number;
	closeTo: string;
}

interface ReaderProfile {
	query: TermVector;
	liked: { id: string; vector: TermVector; title: string }[];
	/** Papers voted on or added: never recommended. */
	voted: Set<string>;
}

/** Voted papers whose decoded terms a run keeps (~2 KB each); beyond it, start over. */
const maxPapers = 50_000;

/** Readers whose profiles a run holds read ahead (a few batches); beyond it, start over. */
const maxProfiles = 20_000;

/** Windows a run keeps indexed: readers of one run mostly share one or two. */
const maxIndexes = 8;

export class Recommender {
	readonly #indexes = new Map<string, Promise<CandidateIndex>>();
	readonly #built: CandidateIndex[] = [];
	/** Voted papers read so far, by number: a paper's stored terms never change. */
	readonly #papers = new Map<number, PaperTitleTerms>();
	readonly #profiles = new Map<number, ReaderProfile | null>();

	constructor(
		private readonly db: Db,
		private readonly limit: number,
	) {}

	/**
	 * Reads these readers' queries and votes (two statements; a third for voted papers not
	 * read yet this run), beside what is read already: the outbox reads the next batch
	 * while the last one's digests are still being composed. Each reader's entry goes once
	 * their digest is composed.
	 */
	async prepare(readerIds: readonly number[]): Promise<void> {
		if (this.limit <= 0 || !readerIds.length) return;
		const queries = await listProfileQueries(this.db, readerIds);
		const votes = await listVotesByNum(this.db, [...queries.keys()]);
		if (this.#papers.size > maxPapers) this.#papers.clear();
		const unread = [...new Set(votes.map((v) => v.paperNum).filter((num) => !this.#papers.has(num)))];
		for (const paper of await listPaperTermsByNums(this.db, unread)) this.#papers.set(paper.num, paper);
		if (this.#profiles.size > maxProfiles) this.#profiles.clear();
		for (const id of readerIds) this.#profiles.set(id, null);
		for (const [readerId, query] of queries) this.#profiles.set(readerId, { query, liked: [], voted: new Set() });
		for (const { readerId, paperNum, vote } of votes)
			addVote(this.#profiles.get(readerId), this.#papers.get(paperNum), vote);
	}

	/** Up to `limit` papers of the window close to the reader's liked papers, none of `exclude`. */
	async recommend(
		readerId: number,
		window: { from: string; to: string },
		exclude: Iterable<string>,
	): Promise<Recommendation[]> {
		if (this.limit <= 0) return [];
		if (!this.#profiles.has(readerId)) await this.prepare([readerId]);
		const profile = this.#profiles.get(readerId);
		this.#profiles.delete(readerId);
		if (!profile?.liked.length || !profile.query.terms.length) return [];
		const index = await this.#indexFor(window);
		const found = index.search(profile.query, {
			limit: this.limit,
			minScore: defaultMinScore,
			exclude: new Set([...exclude, ...profile.voted]),
		});
		const closest = index.closestLiked(
			found.map((f) => f.paperId),
			profile.liked,
		);
		return found.map((f, i) => ({
			paperId: f.paperId,
			score: f.score,
			closeTo: (closest[i] as { title?: string } | null)?.title ?? profile.liked[0]?.title ?? "",
		}));
	}

	/** What the run's searches have cost so far (the benchmark's operation counts). */
	get work(): SearchWork {
		const total: SearchWork = { searches: 0, queryTerms: 0, postings: 0, skippedTerms: 0 };
		for (const { work } of this.#built)
			for (const key of Object.keys(total) as (keyof SearchWork)[]) total[key] += work[key];
		return total;
	}

	#indexFor(window: { from: string; to: string }): Promise<CandidateIndex> {
		const key = `${window.from}|${window.to}`;
		let index = this.#indexes.get(key);
		if (!index) {
			if (this.#indexes.size >= maxIndexes) this.#indexes.clear();
			// Example papers never go into a digest: they are never candidates either.
			index = listPaperTerms(this.db, { ...window, seeds: false }).then((papers) => {
				const built = new CandidateIndex(papers.map((p) => ({ id: p.id, vector: p.terms })));
				this.#built.push(built);
				return built;
			});
			this.#indexes.set(key, index);
		}
		return index;
	}
}

function addVote(profile: ReaderProfile | null | undefined, paper: PaperTitleTerms | undefined, vote: Vote): void {
	if (!profile || !paper) return;
	profile.voted.add(paper.id);
	if (vote === "like" && paper.terms) profile.liked.push({ id: paper.id, vector: paper.terms, title: paper.title });
}
