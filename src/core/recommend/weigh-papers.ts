/**
 * Giving papers their top terms (paper-terms.ts) as they are stored: a batch's new papers
 * are counted into the document frequencies first, so papers of one batch see each other,
 * then weighed, once. Papers stored before the recommender existed are weighed by
 * `weighStoredPapers`, a chunk at a time, from the daily job and at start.
 */
import { listUnweighedPapers, setPaperTerms } from "../db/papers.ts";
import type { Db } from "../db/schema.ts";
import { addDocFreqs, getDocFreqs } from "../db/term-docs.ts";
import type { PaperText } from "./content-terms.ts";
import { applyDocFreqChange, type DocFreqChange, docFreqChange } from "./doc-freq.ts";
import { type PaperTerms, topTermsOf } from "./paper-terms.ts";

export interface WeighedBatch {
	terms: PaperTerms[];
	/** To add to the stored document frequencies once the papers are stored (commitWeights). */
	change: DocFreqChange;
}

/** The top terms of papers about to be stored as new, against the frequencies they join. */
export async function weighNewPapers(db: Db, papers: readonly PaperText[]): Promise<WeighedBatch> {
	const change = docFreqChange(papers);
	if (!papers.length) return { terms: [], change };
	const { docs, docCount } = await getDocFreqs(db, change.terms.keys());
	const count = applyDocFreqChange(docs, docCount, change);
	return { terms: papers.map((paper) => topTermsOf(paper, docs, count)), change };
}

/** Counts a stored batch into the document frequencies (one statement). */
export const commitWeights = (db: Db, batch: WeighedBatch) => addDocFreqs(db, batch.change);

/**
 * Weighs up to `max` papers stored without top terms; returns how many, so callers repeat
 * until it says 0. Early chunks of a large backlog are weighed against the part of it
 * counted so far: inverse document frequency is logarithmic, and that is close enough.
 */
export async function weighStoredPapers(deps: { db: Db }, max = 2000): Promise<number> {
	let done = 0;
	while (done < max) {
		const papers = await listUnweighedPapers(deps.db, Math.min(200, max - done));
		if (!papers.length) break;
		const batch = await weighNewPapers(deps.db, papers);
		await commitWeights(deps.db, batch);
		for (const [i, paper] of papers.entries()) await setPaperTerms(deps.db, paper.num, batch.terms[i] as PaperTerms);
		done += papers.length;
	}
	return done;
}
