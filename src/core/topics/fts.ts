import type { Phrase, Topic } from "./parse.ts";

// Phrases hold only letter/digit tokens (see parse.ts), so quoting them is all the
// escaping FTS5 needs; the quote-doubling keeps that true even if a caller slips.
const quote = (phrase: Phrase): string => `"${phrase.join(" ").replaceAll('"', '""')}"`;
const alternatives = (phrases: readonly Phrase[]): string => `(${phrases.map(quote).join(" OR ")})`;

/** Any of these phrases, minus papers that have any of `noneOf`: an FTS5 MATCH expression. */
export function phrasesQuery(anyOf: readonly Phrase[], noneOf: readonly Phrase[] = []): string {
	const positive = alternatives(anyOf);
	return noneOf.length ? `${positive} NOT ${alternatives(noneOf)}` : positive;
}

/** The FTS5 MATCH expression for a topic's words over title and abstract. */
export function topicQuery(topic: Topic, extraNoneOf: readonly Phrase[] = []): string {
	return phrasesQuery(topic.anyOf, [...topic.noneOf, ...extraNoneOf]);
}

/** The same topic's alternatives restricted to the title column (used for ranking). */
export function topicTitleQuery(topic: Topic): string {
	return `title : ${alternatives(topic.anyOf)}`;
}
