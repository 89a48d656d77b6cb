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
export const defaultSearchBudget = 2000;

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
	// The postings of term number n are entries postingStart[n] … postingStart[n + 1] - 1 of
	// postingPapers (candidate numbers) and postingWeights (the term's weight in each): three
	// flat arrays, so a search walks memory in order. Stored weights are whole numbers of at
	// most 1000, which 32-bit floats hold exactly in half the memory of 64-bit ones.
	private readonly postingStart: Int32Array;
	private readonly postingPapers: Int32Array;
	private readonly postingWeights: Float32Array;
	private readonly candidateTerms: Numbered[];
	/** Liked papers' (and candidates') terms as term numbers, by paper id. */
	private readonly numbered = new Map<string, Numbered>();
	// Scratch reused by every search and left zero after it: a candidate's running score,
	// and the candidates a search touched (a candidate whose sum passes through 0 is listed
	// twice; its second entry reads 0 and counts for nothing).
	private readonly scores: Float64Array;
	private readonly touched: Int32Array;
	// Scratch for reasons: a few candidates' weights by term number, side by side; zero between uses.
	private readonly dense: Float64Array;
	readonly #picks: (Numbered | undefined)[] = new Array(pickWidth).fill(undefined);
	readonly #sums = new Float64Array(pickWidth);
	readonly #best = new Float64Array(pickWidth);

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
		this.postingStart = new Int32Array(lengths.length + 1);
		for (let n = 0; n < lengths.length; n++)
			this.postingStart[n + 1] = (this.postingStart[n] as number) + (lengths[n] as number);
		const total = this.postingStart[lengths.length] as number;
		this.postingPapers = new Int32Array(total);
		this.postingWeights = new Float32Array(total);
		const filled = this.postingStart.slice(0, lengths.length);
		this.candidateTerms = candidates.map(({ id, vector }, paper) => {
			const numbered = this.numberedOf(id, vector);
			for (let i = 0; i < numbered.terms.length; i++) {
				const number = numbered.terms[i] as number;
				const at = filled[number] as number;
				this.postingPapers[at] = paper;
				this.postingWeights[at] = numbered.weights[i] as number;
				filled[number] = at + 1;
			}
			return numbered;
		});
		this.scores = new Float64Array(candidates.length);
		this.touched = new Int32Array(total);
		this.dense = new Float64Array(lengths.length * pickWidth);
	}

	/**
	 * The candidates closest to a query (its terms heaviest first, as profileQuery gives
	 * them), best first; ties keep the candidates' order.
	 */
	search(query: TermVector, { limit, minScore, exclude, budget = defaultSearchBudget }: SearchOptions): ScoredPaper[] {
		const { scores, touched, postingStart, postingPapers, postingWeights, termNumbers, ids } = this;
		const { terms, weights } = query;
		// Few candidates next to the postings a search may visit (a week's papers): every
		// score is read back in candidate order afterwards, and the loop over postings only
		// adds. Listing the candidates touched costs a branch and a write per posting, which
		// pays only when they are a small part of many candidates.
		const scan = ids.length <= scanPerPosting * budget;
		let touchedCount = 0;
		let left = budget;
		let skipped = 0;
		let visited = 0;
		for (let t = 0; t < terms.length; t++) {
			const number = termNumbers.get(terms[t] as string);
			if (number === undefined) continue;
			const start = postingStart[number] as number;
			const end = postingStart[number + 1] as number;
			if (end - start > left) {
				skipped++;
				continue;
			}
			left -= end - start;
			visited += end - start;
			const queryWeight = weights[t] as number;
			if (scan)
				for (let i = start; i < end; i++) {
					const paper = postingPapers[i] as number;
					scores[paper] = (scores[paper] as number) + queryWeight * (postingWeights[i] as number);
				}
			else
				for (let i = start; i < end; i++) {
					const paper = postingPapers[i] as number;
					const before = scores[paper] as number;
					if (before === 0) touched[touchedCount++] = paper;
					scores[paper] = before + queryWeight * (postingWeights[i] as number);
				}
		}
		this.work.searches++;
		this.work.queryTerms += terms.length;
		this.work.postings += visited;
		this.work.skippedTerms += skipped;
		// The best `limit`, by score then candidate order; only a paper that would enter them
		// is looked up among the excluded. Reading a score puts it back to 0 for the next search.
		const best = new Best(limit, Math.max(minScore * scale, Number.MIN_VALUE));
		// Most scores are below the bar, so the one test in the loop is nearly always passed
		// the same way (a test of "touched or not" here would be mispredicted half the time).
		if (scan)
			for (let paper = 0; paper < ids.length; paper++) {
				const score = scores[paper] as number;
				scores[paper] = 0;
				if (score < best.bar) continue;
				if (best.takes(score, paper) && !exclude?.has(ids[paper] as string)) best.add(score, paper);
			}
		else
			for (let i = 0; i < touchedCount; i++) {
				const paper = touched[i] as number;
				const score = scores[paper] as number;
				scores[paper] = 0;
				if (score < best.bar) continue;
				if (best.takes(score, paper) && !exclude?.has(ids[paper] as string)) best.add(score, paper);
			}
		const found: ScoredPaper[] = [];
		for (let i = 0; i < best.size; i++)
			found.push({ paperId: ids[best.papers[i] as number] as string, score: (best.scores[i] as number) / scale });
		return found;
	}

	/**
	 * For each recommended candidate, the liked paper closest to it (the largest dot
	 * product), for its reason ("close to: <title>"); null for one that shares no term with
	 * any (it cannot have been recommended). A liked paper's terms are numbered once per
	 * index, by paper id: within a run a paper's stored terms do not change.
	 */
	closestLiked(paperIds: readonly string[], liked: readonly PaperTermVector[]): (PaperTermVector | null)[] {
		const likedTerms = liked.map((paper) => this.numberedOf(paper.id, paper.vector));
		const closest: (PaperTermVector | null)[] = paperIds.map(() => null);
		for (let from = 0; from < paperIds.length; from += pickWidth) {
			const width = Math.min(pickWidth, paperIds.length - from);
			for (let k = 0; k < width; k++)
				this.#picks[k] = this.candidateTerms[this.positions.get(paperIds[from + k] as string) ?? -1];
			this.#closestOf(width, liked, likedTerms, closest, from);
		}
		return closest;
	}

	/**
	 * Up to pickWidth picks (#picks) at once: their weights side by side per term, so each
	 * liked paper's terms are read once for all of them.
	 */
	#closestOf(
		width: number,
		liked: readonly PaperTermVector[],
		likedTerms: readonly Numbered[],
		closest: (PaperTermVector | null)[],
		from: number,
	): void {
		const { dense } = this;
		const picks = this.#picks;
		const sums = this.#sums;
		const best = this.#best;
		for (let k = 0; k < width; k++) {
			best[k] = 0;
			const pick = picks[k];
			if (pick)
				for (let i = 0; i < pick.terms.length; i++)
					dense[(pick.terms[i] as number) * pickWidth + k] = pick.weights[i] as number;
		}
		for (let l = 0; l < likedTerms.length; l++) {
			const { terms, weights } = likedTerms[l] as Numbered;
			sums.fill(0);
			for (let i = 0; i < terms.length; i++) {
				const weight = weights[i] as number;
				const at = (terms[i] as number) * pickWidth;
				for (let k = 0; k < width; k++) sums[k] = (sums[k] as number) + weight * (dense[at + k] as number);
			}
			for (let k = 0; k < width; k++)
				if ((sums[k] as number) > (best[k] as number)) {
					best[k] = sums[k] as number;
					closest[from + k] = liked[l] as PaperTermVector;
				}
		}
		for (let k = 0; k < width; k++) {
			const pick = picks[k];
			if (pick) for (let i = 0; i < pick.terms.length; i++) dense[(pick.terms[i] as number) * pickWidth + k] = 0;
			picks[k] = undefined;
		}
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
}

/** Recommended papers whose reasons are found together (a digest's section holds five). */
const pickWidth = 8;

/** Candidates at most this many times a search's budget are scanned rather than listed as touched. */
const scanPerPosting = 4;

const isBetter = (score: number, paper: number, thanScore: number, thanPaper: number) =>
	score > thanScore || (score === thanScore && paper < thanPaper);

/** The best few candidates so far, best first, in two small arrays. */
class Best {
	readonly papers: Int32Array;
	readonly scores: Float64Array;
	size = 0;
	/** No candidate scoring below this can enter: the floor, or the last kept once full. */
	bar: number;

	constructor(
		private readonly limit: number,
		private readonly floor: number,
	) {
		this.papers = new Int32Array(Math.max(limit, 0));
		this.scores = new Float64Array(Math.max(limit, 0));
		this.bar = limit > 0 ? floor : Number.POSITIVE_INFINITY;
	}

	/** Whether a candidate would enter: at least the floor, and better than the last kept once full. */
	takes(score: number, paper: number): boolean {
		if (score < this.floor) return false;
		const last = this.size - 1;
		return this.size < this.limit || isBetter(score, paper, this.scores[last] as number, this.papers[last] as number);
	}

	add(score: number, paper: number): void {
		const { papers, scores, limit } = this;
		let at = Math.min(this.size, limit - 1);
		while (at > 0 && isBetter(score, paper, scores[at - 1] as number, papers[at - 1] as number)) {
			papers[at] = papers[at - 1] as number;
			scores[at] = scores[at - 1] as number;
			at--;
		}
		papers[at] = paper;
		scores[at] = score;
		if (this.size < limit) this.size++;
		if (this.size === limit) this.bar = scores[limit - 1] as number;
	}
}

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
