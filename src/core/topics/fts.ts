import type { Phrase, Topic } from "./parse.ts";

// Phrases hold only letter/digit tokens (see parse.ts), so quoting them is all the
// escaping FTS5 needs; the quote-doubling keeps that true even if a caller slips.
const quote = (phrase: Phrase): string => `"${phrase.join(" ").replaceAll('"', '""')}"`;
const alternatives = (phrases: readonly Phrase[]): string => `(${phrases.map(quote).join(" OR ")})`;

/** The FTS5 MATCH expression for a topic over title and abstract. */
export function topicQuery(topic: Topic, extraNoneOf: readonly Phrase[] = []): string {
	const none = [...topic.noneOf, ...extraNoneOf];
	const positive = alternatives(topic.anyOf);
	return none.length ? `${positive} NOT ${alternatives(none)}` : positive;
}

/** The same topic's alternatives restricted to the title column (used for ranking). */
export function topicTitleQuery(topic: Topic): string {
	return `title : ${alternatives(topic.anyOf)}`;
}
