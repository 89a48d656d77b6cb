/**
 * The seam for a better scorer. The recommender needs three things of a kind of paper
 * vector: a reader's query from the vectors of the papers they liked and disliked, a search
 * over the period's candidates, and for each paper found the liked paper closest to it
 * (for "close to: <title>").
 * The term vectors of candidate-index.ts are one kind (termScorer); dense vectors from an
 * EmbeddingProvider would be another, stored at ingest beside the terms and named by their
 * model, so vectors of two models are never compared. None ships: a model's weights would
 * have to be downloaded, and term vectors need none.
 */

export interface ScoredPaper {
	paperId: string;
	/** Cosine similarity to the query: 1 is the same direction, 0 nothing shared, below 0 against. */
	score: number;
}

export interface SearchOptions {
	/** At most this many papers, best first. */
	limit: number;
	/** Papers scoring below this are not returned. */
	minScore: number;
	/** Papers never to return: those a topic matched, already sent, or voted on. */
	exclude?: { has(paperId: string): boolean };
	/**
	 * At most this much work per search (for term vectors: postings visited): the query's
	 * lightest terms are left out once it is spent.
	 */
	budget?: number;
}

/** A paper's stored vector. */
export interface PaperVector<Vector> {
	id: string;
	vector: Vector;
}

/** The period's candidate papers, indexed once and searched once per reader. */
export interface CandidateSearch<Vector> {
	search(query: Vector, options: SearchOptions): ScoredPaper[];
	/**
	 * For each of these candidates, the liked paper closest to it, for its reason ("close
	 * to: <title>"); null for one that shares nothing with any.
	 */
	closestLiked(paperIds: readonly string[], liked: readonly PaperVector<Vector>[]): (PaperVector<Vector> | null)[];
}

export interface Scorer<Vector> {
	readonly name: string;
	/** Rocchio's query of a reader who liked and disliked these papers. */
	queryOf(liked: readonly Vector[], disliked: readonly Vector[]): Vector;
	index(candidates: readonly PaperVector<Vector>[]): CandidateSearch<Vector>;
}

/** Turns texts into dense vectors: a local model, or a service. */
export interface EmbeddingProvider {
	/** Stored with each vector; vectors from different models are not comparable. */
	readonly model: string;
	readonly dimensions: number;
	embed(texts: readonly string[]): Promise<Float32Array[]>;
}
