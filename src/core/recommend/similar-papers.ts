/**
 * `paperboy similar`: the stored papers closest to some liked (and disliked) papers, with
 * scores, by the same query and index the digest's "Close to papers you liked" uses.
 */
import { getPapersByIds, listPaperTerms } from "../db/papers.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../errors.ts";
import type { Paper } from "../papers/paper.ts";
import { termScorer } from "./candidate-index.ts";

export interface SimilarRequest {
	liked: readonly string[];
	disliked?: readonly string[];
	limit: number;
	/** Only papers first seen at or after this time (ISO 8601). */
	since?: string;
}

export interface ScoredStoredPaper {
	paper: Paper;
	/** Cosine similarity to the liked-minus-disliked query: 1 the same terms, 0 none shared. */
	score: number;
}

/** The stored papers closest to `liked` (less `disliked`), best first; the given papers are left out. */
export async function similarPapers(deps: Pick<Deps, "db">, request: SimilarRequest): Promise<ScoredStoredPaper[]> {
	const disliked = request.disliked ?? [];
	if (!request.liked.length) throw new AppError("invalid_input", "name at least one liked paper");
	const given = [...new Set([...request.liked, ...disliked])];
	const papers = await listPaperTerms(deps.db);
	const byId = new Map(papers.map((p) => [p.id, p]));
	const missing = given.filter((id) => !byId.has(id));
	if (missing.length) {
		const stored = new Set((await getPapersByIds(deps.db, missing)).map((p) => p.id));
		const unknown = missing.filter((id) => !stored.has(id));
		const unweighed = missing.filter((id) => stored.has(id));
		throw new AppError(
			unknown.length ? "not_found" : "invalid_input",
			unknown.length
				? `no stored paper with the id ${unknown.join(", ")}`
				: `not weighed yet (run \`paperboy migrate\`): ${unweighed.join(", ")}`,
		);
	}
	const vectorsOf = (ids: readonly string[]) => ids.map((id) => byId.get(id)?.terms ?? { terms: [], weights: [] });
	const query = termScorer.queryOf(vectorsOf(request.liked), vectorsOf(disliked));
	const candidates = request.since ? await listPaperTerms(deps.db, { from: request.since }) : papers;
	const found = termScorer
		.index(candidates.map((p) => ({ id: p.id, vector: p.terms })))
		.search(query, { limit: request.limit, minScore: Number.MIN_VALUE, exclude: new Set(given), budget: Infinity });
	const stored = await getPapersByIds(
		deps.db,
		found.map((f) => f.paperId),
	);
	const rows = new Map(stored.map((p) => [p.id, p]));
	return found.flatMap((f) => {
		const paper = rows.get(f.paperId);
		return paper ? [{ paper, score: f.score }] : [];
	});
}
