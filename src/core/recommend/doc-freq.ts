/**
 * Document frequencies: how many stored papers use each content term, and how many papers
 * there are. Ingest keeps them as it stores papers: it turns the papers it adds (and
 * `seed --remove` the papers it deletes) into one DocFreqChange, a set of increments that a
 * table `(term PRIMARY KEY, docs)` takes in one batch of
 * `INSERT … ON CONFLICT DO UPDATE SET docs = docs + excluded.docs`, with no read first.
 * In memory, a Map is the table (applyDocFreqChange). A paper counts with the text it was
 * first stored with, as its top terms are weighed once: a revised abstract (an arXiv v2)
 * changes neither, so the counts and the weights describe the same text.
 */
import { type PaperText, termSetOf } from "./content-terms.ts";

/** Reads a term's document frequency: a Map, or the rows ingest loaded for a batch. */
export interface DocFreqLookup {
	get(term: string): number | undefined;
}

/** A store of document frequencies a change can be applied to: a Map satisfies it. */
export interface DocFreqStore extends DocFreqLookup {
	set(term: string, docs: number): unknown;
	delete(term: string): unknown;
}

export interface DocFreqChange {
	/** Papers added minus papers removed. */
	docCount: number;
	/** Per term, papers added that use it minus papers removed that used it; no zeros. */
	terms: Map<string, number>;
}

/** The increments that adding some papers' text and removing other (older) text make. */
export function docFreqChange(added: readonly PaperText[], removed: readonly PaperText[] = []): DocFreqChange {
	const terms = new Map<string, number>();
	const count = (papers: readonly PaperText[], sign: 1 | -1) => {
		for (const paper of papers) for (const term of termSetOf(paper)) terms.set(term, (terms.get(term) ?? 0) + sign);
	};
	count(added, 1);
	count(removed, -1);
	for (const [term, delta] of terms) if (delta === 0) terms.delete(term);
	return { docCount: added.length - removed.length, terms };
}

/**
 * Applies a change to a store; terms no paper uses any more leave it. Returns the new
 * document count, given the old one.
 */
export function applyDocFreqChange(store: DocFreqStore, docCount: number, change: DocFreqChange): number {
	for (const [term, delta] of change.terms) {
		const docs = (store.get(term) ?? 0) + delta;
		if (docs > 0) store.set(term, docs);
		else store.delete(term);
	}
	return docCount + change.docCount;
}

/**
 * BM25's inverse document frequency: always positive, near 0 for a term in every paper.
 * A term the statistics do not know yet (ingest adds a batch to them before weighing it,
 * so this is a caller's slip) counts as used by one paper.
 */
export function inverseDocFreq(docs: number | undefined, docCount: number): number {
	const n = Math.max(docCount, 1);
	const df = Math.min(Math.max(docs ?? 1, 1), n);
	return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}
