/**
 * "Close to papers you liked" for one digest run: the period's weighed papers are indexed
 * once per window (candidate-index.ts) and each reader with a profile searches them with
 * their stored query. Readers' queries and votes are read a batch of deliveries at a time
 * (one statement, and a second for voted papers the run has not read yet), so the run
 * costs Σ over readers of their postings, never readers × papers (docs/recommender.md).
 */

import { listPaperTerms, listPaperTermsByNums } from "../db/papers.ts";
import { listRunProfiles, type RunProfile } from "../db/reader-profiles.ts";
import type { Db } from "../db/schema.ts";
import { CandidateIndex, defaultMinScore, type PaperTermVector, type SearchWork } from "./candidate-index.ts";
import type { TermVector } from "./term-vector.ts";

/** A recommended paper, by id, with the title of the liked paper closest to it. */
export interface Recommendation {
	paperId: string;
	score: number;
	closeTo: string;
}

/** A voted paper as a run keeps it: the shape reasons take, so it is passed as it is. */
interface VotedPaper {
	id: string;
	title: string;
	/** Its stored top terms; null when not weighed yet. */
	vector: TermVector | null;
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
	#lastIndex: { from: string; to: string; index: CandidateIndex } | undefined;
	/** Voted papers read so far, by number: a paper's stored terms never change. */
	readonly #papers = new Map<number, VotedPaper>();
	readonly #profiles = new Map<number, RunProfile | null>();
	/** Answers given with nothing excluded, by reader, for the same question asked again in the run. */
	readonly #answers = new Map<number, { window: string; found: Recommendation[] }>();

	constructor(
		private readonly db: Db,
		private readonly limit: number,
	) {}

	/**
	 * Reads these readers' queries with their votes (one statement; a second for voted
	 * papers not read yet this run), beside what is read already: the outbox reads the next
	 * batch while the last one's digests are still being composed. Each reader's entry goes
	 * once their digest is composed.
	 */
	async prepare(readerIds: readonly number[]): Promise<void> {
		if (this.limit <= 0 || !readerIds.length) return;
		const profiles = await listRunProfiles(this.db, readerIds);
		if (this.#papers.size > maxPapers) this.#papers.clear();
		const unread = new Set<number>();
		for (const { liked, disliked } of profiles.values())
			for (const nums of [liked, disliked]) for (const num of nums) if (!this.#papers.has(num)) unread.add(num);
		await this.#readPapers([...unread]);
		if (this.#profiles.size > maxProfiles) this.#profiles.clear();
		for (const id of readerIds) this.#profiles.set(id, profiles.get(id) ?? null);
	}

	/**
	 * False when recommend would find nothing for the reader whatever it is given: their
	 * profile is read (prepare) and holds no liked paper, and then it is let go as recommend
	 * would. Most readers have no profile: their callers skip listing what to exclude.
	 */
	mayRecommend(readerId: number): boolean {
		if (this.limit <= 0) return false;
		if (this.#answers.has(readerId) || !this.#profiles.has(readerId)) return true;
		if (this.#profiles.get(readerId)?.query.terms.length) return true;
		this.#profiles.delete(readerId);
		return false;
	}

	/** Up to `limit` papers of the window close to the reader's liked papers, none of `exclude`. */
	async recommend(
		readerId: number,
		window: { from: string; to: string },
		exclude: readonly string[],
	): Promise<Recommendation[]> {
		if (this.limit <= 0) return [];
		const windowKey = `${window.from}|${window.to}`;
		if (!exclude.length) {
			const kept = this.#answers.get(readerId);
			this.#answers.delete(readerId);
			if (kept?.window === windowKey) {
				this.#profiles.delete(readerId);
				return kept.found;
			}
		}
		const found = await this.#recommend(readerId, window, exclude);
		// Planning asks for each reader no topic matched (nothing to exclude) whether their
		// digest would have papers; their digest, composed later in the run, asks the same.
		if (!exclude.length && found.length) {
			if (this.#answers.size >= maxProfiles) this.#answers.clear();
			this.#answers.set(readerId, { window: windowKey, found });
		}
		return found;
	}

	async #recommend(
		readerId: number,
		window: { from: string; to: string },
		exclude: readonly string[],
	): Promise<Recommendation[]> {
		if (!this.#profiles.has(readerId)) await this.prepare([readerId]);
		const profile = this.#profiles.get(readerId);
		this.#profiles.delete(readerId);
		if (!profile?.query.terms.length) return [];
		const papers = this.#papers;
		// Papers read with the profile may have been let go since (maxPapers): read them again.
		if (!profile.liked.every((num) => papers.has(num)) || !profile.disliked.every((num) => papers.has(num)))
			await this.#readPapers([...profile.liked, ...profile.disliked]);
		const liked: PaperTermVector[] = [];
		for (const num of profile.liked) {
			const paper = papers.get(num);
			if (paper?.vector) liked.push(paper as PaperTermVector);
		}
		if (!liked.length) return [];
		const index = this.#indexBuilt(window) ?? (await this.#indexFor(window));
		// Asked only of a paper about to enter the best few, but a few dozen times a search.
		const excluded = new Set(exclude);
		for (const nums of [profile.liked, profile.disliked])
			for (const num of nums) {
				const id = papers.get(num)?.id;
				if (id) excluded.add(id);
			}
		const found = index.search(profile.query, { limit: this.limit, minScore: defaultMinScore, exclude: excluded });
		if (!found.length) return [];
		const closest = index.closestLiked(
			found.map((f) => f.paperId),
			liked,
		);
		return found.map((f, i) => ({
			paperId: f.paperId,
			score: f.score,
			closeTo: (closest[i] as VotedPaper | null)?.title ?? (liked[0] as VotedPaper).title,
		}));
	}

	/** What the run's searches have cost so far (the benchmark's operation counts). */
	get work(): SearchWork {
		const total: SearchWork = { searches: 0, queryTerms: 0, postings: 0, skippedTerms: 0 };
		for (const { work } of this.#built)
			for (const key of Object.keys(total) as (keyof SearchWork)[]) total[key] += work[key];
		return total;
	}

	async #readPapers(nums: readonly number[]): Promise<void> {
		for (const paper of await listPaperTermsByNums(this.db, nums))
			this.#papers.set(paper.num, { id: paper.id, title: paper.title, vector: paper.terms });
		// A voted paper deleted since the vote (an example paper removed) stays in the stored
		// votes until the next vote: kept as nothing, so it is not read again for each reader.
		for (const num of nums) if (!this.#papers.has(num)) this.#papers.set(num, { id: "", title: "", vector: null });
	}

	/** The last window's index when it is built: readers of one run mostly share it, and need not wait. */
	#indexBuilt(window: { from: string; to: string }): CandidateIndex | undefined {
		const last = this.#lastIndex;
		return last && last.from === window.from && last.to === window.to ? last.index : undefined;
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
				this.#lastIndex = { ...window, index: built };
				return built;
			});
			this.#indexes.set(key, index);
		}
		return index;
	}
}
