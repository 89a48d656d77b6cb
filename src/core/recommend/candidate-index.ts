/**
 * "Close to papers you liked" for many readers at once. The period's candidate papers are
 * indexed once by term (term → the candidates that keep it among their top terms, with its
 * weight); each reader's query then visits only the postings of its own terms, adding
 * query weight × paper weight into one accumulator per candidate touched. A run costs
 * Σ over readers of Σ over their query terms of that term's postings — never readers ×
 * papers: a reader whose terms no candidate has costs a few map lookups
 * (docs/recommender.md has the numbers).
 */
import { defaultProfileQueryOptions, type ProfileQueryOptions, profileOf, profileQuery } from "./profile.ts";
import type { CandidateSearch, PaperVector, ScoredPaper, Scorer, SearchOptions } from "./scorer.ts";
import { type TermVector, vectorLength } from "./term-vector.ts";

/** A paper with its stored top terms. */
export type PaperTermVector = PaperVector<TermVector>;

/** What searches have cost so far: the benchmark's operation counts. */
export interface SearchWork {
	searches: number;
	queryTerms: number;
	postings: number;
	/** Query terms left out because a search's budget was spent. */
	skippedTerms: number;
}

const scale = vectorLength * vectorLength;

/**
 * The least cosine similarity a recommendation needs. Stored vectors hold ~30 terms of
 * weight ~0.18, so one shared term of typical weight gives ~0.03: a paper must share about
 * two such terms with the profile before "close to: <title>" holds up when the reader looks.
 */
export const defaultMinScore = 0.05;

/**
 * The postings one search may visit. Real abstracts keep it below (a reader of 10 liked
 * papers visits ~1,500 among 2,000 candidates); it bounds the cost when a period's papers
 * share most of their words (the digest benchmark's synthetic week), and then leaves out
 * the query's lightest terms.
 */
export const defaultSearchBudget = 3000;

/** A vector with its terms as the index's term numbers; terms no candidate has are left out. */
interface Numbered {
	terms: Int32Array;
	weights: Float64Array;
}

export class CandidateIndex implements CandidateSearch<TermVector> {
	readonly work: SearchWork = { searches: 0, queryTerms: 0, postings: 0, skippedTerms: 0 };
	private readonly ids: string[];
	private readonly positions: Map<string, number>;
	private readonly termNumbers = new Map<string, number>();
	/** Per term number, the candidates that have the term and its weight in each. */
	private readonly postingPapers: Int32Array[] = [];
	private readonly postingWeights: Float64Array[] = [];
	private readonly candidateTerms: Numbered[];
	/** Liked papers' (and candidates') terms as term numbers, by paper id. */
	private readonly numbered = new Map<string, Numbered>();
	// Scratch reused by every search: a candidate's score counts only when its stamp is the
	// search's own, so nothing has to be cleared between searches.
	private readonly scores: Float64Array;
	private readonly stamps: Uint32Array;
	private readonly touched: Int32Array;
	private stamp = 0;
	private readonly termCount: number;
	// Scratch for reasons: per term number, a weight for each pick; zero between uses.
	private scratch = new Float64Array(0);

	/** Candidates in the order ties should be broken in (the digest's rank order). */
	constructor(candidates: readonly PaperTermVector[]) {
		this.ids = candidates.map((c) => c.id);
		this.positions = new Map(this.ids.map((id, i) => [id, i]));
		const lengths: number[] = [];
		for (const { vector } of candidates)
			for (const term of vector.terms) {
				let number = this.termNumbers.get(term);
				if (number === undefined) {
					number = lengths.length;
					this.termNumbers.set(term, number);
					lengths.push(0);
				}
				lengths[number] = (lengths[number] ?? 0) + 1;
			}
		for (const length of lengths) {
			this.postingPapers.push(new Int32Array(length));
			this.postingWeights.push(new Float64Array(length));
		}
		const filled = new Int32Array(lengths.length);
		this.termCount = lengths.length;
		this.candidateTerms = candidates.map(({ id, vector }, paper) => {
			const numbered = this.numberedOf(id, vector);
			numbered.terms.forEach((number, i) => {
				const at = filled[number] ?? 0;
				(this.postingPapers[number] as Int32Array)[at] = paper;
				(this.postingWeights[number] as Float64Array)[at] = numbered.weights[i] ?? 0;
				filled[number] = at + 1;
			});
			return numbered;
		});
		this.scores = new Float64Array(candidates.length);
		this.stamps = new Uint32Array(candidates.length);
		this.touched = new Int32Array(candidates.length);
	}

	/**
	 * The candidates closest to a query (its terms heaviest first, as profileQuery gives
	 * them), best first; ties keep the candidates' order.
	 */
	search(query: TermVector, { limit, minScore, exclude, budget = defaultSearchBudget }: SearchOptions): ScoredPaper[] {
		const { scores, stamps, touched, ids } = this;
		const stamp = this.nextStamp();
		let touchedCount = 0;
		let left = budget;
		const queryWeights = query.weights;
		for (let t = 0; t < query.terms.length; t++) {
			const number = this.termNumbers.get(query.terms[t] as string);
			if (number === undefined) continue;
			const papers = this.postingPapers[number] as Int32Array;
			const weights = this.postingWeights[number] as Float64Array;
			if (papers.length > left) {
				this.work.skippedTerms++;
				continue;
			}
			left -= papers.length;
			const queryWeight = queryWeights[t] as number;
			for (let i = 0; i < papers.length; i++) {
				const paper = papers[i] as number;
				if (stamps[paper] !== stamp) {
					stamps[paper] = stamp;
					scores[paper] = 0;
					touched[touchedCount++] = paper;
				}
				scores[paper] = (scores[paper] as number) + queryWeight * (weights[i] as number);
			}
			this.work.postings += papers.length;
		}
		this.work.searches++;
		this.work.queryTerms += query.terms.length;
		// The best `limit` of the touched candidates, by score then candidate order, kept in
		// two small arrays; only a paper that would enter them is looked up among the excluded.
		const bestPapers: number[] = [];
		const bestScores: number[] = [];
		const floor = Math.max(minScore * scale, Number.MIN_VALUE);
		for (let i = 0; i < touchedCount; i++) {
			const paper = touched[i] as number;
			const score = scores[paper] as number;
			if (score < floor) continue;
			let at = bestPapers.length;
			while (at > 0 && isBetter(score, paper, bestScores[at - 1] as number, bestPapers[at - 1] as number)) at--;
			if (at >= limit || exclude?.has(ids[paper] as string)) continue;
			bestPapers.splice(at, 0, paper);
			bestScores.splice(at, 0, score);
			if (bestPapers.length > limit) {
				bestPapers.pop();
				bestScores.pop();
			}
		}
		return bestPapers.map((paper, i) => ({ paperId: ids[paper] as string, score: (bestScores[i] as number) / scale }));
	}

	/**
	 * For each recommended candidate, the liked paper closest to it (the largest dot
	 * product), for its reason ("close to: <title>"); null for one that shares no term with
	 * any (it cannot have been recommended). A liked paper's terms are numbered once per
	 * index, by paper id: within a run a paper's stored terms do not change.
	 */
	closestLiked(paperIds: readonly string[], liked: readonly PaperTermVector[]): (PaperTermVector | null)[] {
		const picks = paperIds.map((id) => this.candidateTerms[this.positions.get(id) ?? -1]);
		const count = picks.length;
		// Per term number, each pick's weight: scratch[number * count + pick], zero elsewhere.
		const scratch = this.reasonScratch(count);
		picks.forEach((pick, p) => {
			pick?.terms.forEach((number, i) => {
				scratch[number * count + p] = pick.weights[i] as number;
			});
		});
		const closest: (PaperTermVector | null)[] = picks.map(() => null);
		const best = new Float64Array(count);
		const sums = new Float64Array(count);
		for (const paper of liked) {
			const { terms, weights } = this.numberedOf(paper.id, paper.vector);
			sums.fill(0);
			for (let i = 0; i < terms.length; i++) {
				const base = (terms[i] as number) * count;
				const weight = weights[i] as number;
				for (let p = 0; p < count; p++) sums[p] = (sums[p] as number) + weight * (scratch[base + p] as number);
			}
			for (let p = 0; p < count; p++)
				if ((sums[p] as number) > (best[p] as number)) {
					best[p] = sums[p] as number;
					closest[p] = paper;
				}
		}
		for (const pick of picks)
			for (const number of pick?.terms ?? []) for (let p = 0; p < count; p++) scratch[number * count + p] = 0;
		return closest;
	}

	private reasonScratch(picks: number): Float64Array {
		const needed = this.termCount * picks;
		if (this.scratch.length < needed) this.scratch = new Float64Array(needed);
		return this.scratch;
	}

	private numberedOf(id: string, vector: TermVector): Numbered {
		const known = this.numbered.get(id);
		if (known) return known;
		const terms: number[] = [];
		const weights: number[] = [];
		vector.terms.forEach((term, i) => {
			const number = this.termNumbers.get(term);
			if (number === undefined) return;
			terms.push(number);
			weights.push(vector.weights[i] ?? 0);
		});
		const numbered = { terms: Int32Array.from(terms), weights: Float64Array.from(weights) };
		this.numbered.set(id, numbered);
		return numbered;
	}

	private nextStamp(): number {
		this.stamp = this.stamp === 0xffffffff ? 1 : this.stamp + 1;
		if (this.stamp === 1) this.stamps.fill(0);
		return this.stamp;
	}
}

const isBetter = (score: number, paper: number, thanScore: number, thanPaper: number) =>
	score > thanScore || (score === thanScore && paper < thanPaper);

/** Term vectors behind the Scorer seam; queries with these options. */
export function createTermScorer(options: ProfileQueryOptions = defaultProfileQueryOptions): Scorer<TermVector> {
	return {
		name: "terms",
		queryOf: (liked, disliked) =>
			profileQuery(
				profileOf([
					...liked.map((terms) => ({ vote: "like" as const, terms })),
					...disliked.map((terms) => ({ vote: "dislike" as const, terms })),
				]),
				options,
			),
		index: (candidates) => new CandidateIndex(candidates),
	};
}

export const termScorer = createTermScorer();
