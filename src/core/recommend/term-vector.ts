/**
 * Sparse term vectors, the one shape papers' top terms and readers' profile queries share:
 * stems and their weights in two parallel arrays, heaviest first, weights integers scaled so
 * the vector's length is 1000. Integers keep sums of vectors exact, so a profile that adds
 * and later removes a paper is back where it was. Two flat arrays, not [stem, weight]
 * pairs, because the weekly run reads every profile's query: parsing them costs half
 * (bench/recommend-cost.ts).
 */
import { malformed, parseStored } from "./stored-json.ts";

export interface TermVector {
	readonly terms: readonly string[];
	readonly weights: readonly number[];
}

export type TermWeight = readonly [term: string, weight: number];

export const emptyVector: TermVector = { terms: [], weights: [] };

/** The length every stored vector is scaled to: a dot product of two is 10⁶ × their cosine. */
export const vectorLength = 1000;

/** Heaviest first by absolute weight; ties by term, so no order depends on the input's. */
export const heaviestFirst = (a: TermWeight, b: TermWeight) =>
	Math.abs(b[1]) - Math.abs(a[1]) || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** Keeps the `size` heaviest terms (heaviestFirst), scales them to length 1000 and rounds; terms that round to 0 go. */
export function topScaled(weights: Iterable<TermWeight>, size: number): TermVector {
	const kept = [...weights].filter(([, w]) => w !== 0 && Number.isFinite(w)).sort(heaviestFirst);
	kept.length = Math.min(kept.length, size);
	let squares = 0;
	for (const [, w] of kept) squares += w * w;
	const norm = Math.sqrt(squares);
	const terms: string[] = [];
	const scaled: number[] = [];
	for (const [term, w] of kept) {
		const rounded = norm ? Math.round((w / norm) * vectorLength) : 0;
		if (rounded === 0) continue;
		terms.push(term);
		scaled.push(rounded);
	}
	return { terms, weights: scaled };
}

/** [term, weight] pairs, heaviest first: for reading and for tests. */
export const pairsOf = (vector: TermVector): TermWeight[] =>
	vector.terms.map((term, i) => [term, vector.weights[i] ?? 0] as const);

/**
 * The stored form's `t` and `w`, checked by hand rather than with zod: the weekly run reads
 * every reader's query, and zod doubled the cost of reading them (bench/recommend-cost.ts).
 */
export function vectorFrom(value: unknown, what: string): TermVector {
	const { t, w } = (typeof value === "object" && value !== null ? value : {}) as { t?: unknown; w?: unknown };
	if (!Array.isArray(t) || !Array.isArray(w) || t.length !== w.length)
		throw malformed(what, "t and w must be arrays of one length");
	for (let i = 0; i < t.length; i++)
		if (typeof t[i] !== "string" || t[i] === "" || !Number.isSafeInteger(w[i]))
			throw malformed(what, `entry ${i} is not a stem and a whole weight`);
	return { terms: t as string[], weights: w as number[] };
}

/** JSON text for a TEXT column: `{"t":["stem",…],"w":[weight,…]}`. */
export const encodeTermVector = (vector: TermVector): string => JSON.stringify({ t: vector.terms, w: vector.weights });

/** Reads encodeTermVector's text back; a malformed value is an invalid_payload AppError. */
export const decodeTermVector = (text: string): TermVector =>
	vectorFrom(parseStored(text, "term vector"), "term vector");
