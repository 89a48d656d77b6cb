/**
 * A paper's top terms: computed once at ingest from its title and abstract and the corpus's
 * document frequencies, and stored with it (encodePaperTerms). Each term weighs
 * BM25's saturated term frequency × inverse document frequency. Saturation is mild (k1 = 5:
 * the fifth repeat of a word still adds) because an abstract repeats its subject, and with
 * BM25's usual k1 = 1.2 words used once, but rare, crowd the subject out of the top terms.
 * Title words count `titleWeight` times: a title names the subject in a few words. Only
 * the `size` heaviest terms are kept, scaled to length 1000 (term-vector.ts).
 *
 * Document frequencies drift as papers arrive, and stored weights do not follow: they were
 * right for the corpus of their day (`docCount` records its size). Inverse document
 * frequency is logarithmic and each vector is normalised, so a paper's heaviest terms stay
 * its heaviest as the corpus grows. Votes add and later remove the very weights stored, so
 * weights must not be recomputed under a profile; docs/recommender.md says how to refresh
 * them all at once if ever needed.
 */
import { contentTermsOf, type PaperText } from "./content-terms.ts";
import { type DocFreqLookup, inverseDocFreq } from "./doc-freq.ts";
import { malformed, parseStored } from "./stored-json.ts";
import { type TermVector, topScaled, vectorFrom } from "./term-vector.ts";

export interface PaperTerms {
	/** How many papers the document frequencies counted when the weights were computed. */
	docCount: number;
	terms: TermVector;
}

export interface PaperTermOptions {
	/** How many terms a paper keeps. */
	size: number;
	/** How many abstract occurrences one title occurrence counts as. */
	titleWeight: number;
	/** BM25's k1: how fast repeats stop adding weight (0: once is all; large: raw counts). */
	saturation: number;
}

export const defaultPaperTermOptions: PaperTermOptions = { size: 30, titleWeight: 2, saturation: 5 };

/** The heaviest terms of a paper, given the document frequencies of the corpus it joins. */
export function topTermsOf(
	paper: PaperText,
	docFreq: DocFreqLookup,
	docCount: number,
	options: PaperTermOptions = defaultPaperTermOptions,
): PaperTerms {
	const counts = new Map<string, number>();
	for (const term of contentTermsOf(paper.title)) counts.set(term, (counts.get(term) ?? 0) + options.titleWeight);
	for (const term of contentTermsOf(paper.abstract)) counts.set(term, (counts.get(term) ?? 0) + 1);
	const k1 = options.saturation;
	const weights = [...counts].map(
		([term, tf]) => [term, ((tf * (k1 + 1)) / (tf + k1)) * inverseDocFreq(docFreq.get(term), docCount)] as const,
	);
	return { docCount, terms: topScaled(weights, options.size) };
}

/** JSON text for the papers table: `{"n":docCount,"t":["stem",…],"w":[weight,…]}`. */
export const encodePaperTerms = (paper: PaperTerms): string =>
	JSON.stringify({ n: paper.docCount, t: paper.terms.terms, w: paper.terms.weights });

/** Reads encodePaperTerms' text back; a malformed value is an invalid_payload AppError. */
export function decodePaperTerms(text: string): PaperTerms {
	const value = parseStored(text, "paper terms");
	const n = (value as { n?: unknown } | null)?.n;
	if (!Number.isSafeInteger(n) || (n as number) < 0) throw malformed("paper terms", "n must be a paper count");
	return { docCount: n as number, terms: vectorFrom(value, "paper terms") };
}
