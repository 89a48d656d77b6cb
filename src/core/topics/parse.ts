/**
 * The keyword language readers type on the form, one topic per comma or line:
 *   diffusion                 a word (stemmed: `model` matches `models`)
 *   state space models        several words are a phrase: adjacent, in order
 *   "flow matching"           quotes make a phrase explicitly
 *   diffusion OR flow         either alternative
 *   speech -audio             exclude papers that mention a word or "phrase"
 *   -survey                   a topic that is only exclusions applies to all topics
 * Case, punctuation and hyphens do not matter (`state-space` = `state space`).
 */

/** A phrase is a list of lower-cased word tokens that must appear adjacent, in order. */
export type Phrase = readonly string[];

export interface Topic {
	/** The keyword as the reader typed it (trimmed): shown in emails as "matched …". */
	label: string;
	anyOf: Phrase[];
	noneOf: Phrase[];
}

export interface ParsedKeywords {
	topics: Topic[];
	/** Exclusions given as their own keyword: they apply to every topic. */
	globalNoneOf: Phrase[];
	/** Keywords that cannot match anything, with the reason; the form reports them. */
	problems: { keyword: string; reason: string }[];
}

export const keywordLimits = { maxKeywords: 20, maxKeywordLength: 100, maxTotalLength: 1000 } as const;

// Word characters as SQLite's unicode61 tokenizer sees them: letters, digits, marks.
const wordPattern = /[\p{L}\p{N}\p{M}]+/gu;

export const words = (text: string): string[] => text.toLowerCase().match(wordPattern) ?? [];

/** Splits the raw field on commas and newlines (not inside quotes), trims, drops duplicates. */
export function splitKeywords(raw: string): string[] {
	const items: string[] = [];
	let current = "";
	let quoted = false;
	for (const ch of raw) {
		if (ch === '"') quoted = !quoted;
		if (!quoted && (ch === "," || ch === "\n" || ch === "\r" || ch === ";")) {
			items.push(current);
			current = "";
		} else current += ch;
	}
	items.push(current);
	const seen = new Set<string>();
	const result: string[] = [];
	for (const item of items) {
		const keyword = item.replace(/\s+/g, " ").trim();
		const key = keyword.toLowerCase();
		if (keyword && !seen.has(key)) {
			seen.add(key);
			result.push(keyword);
		}
	}
	return result;
}

interface Token {
	kind: "words" | "phrase" | "or";
	text: string;
	negated: boolean;
}

function lex(keyword: string): Token[] {
	const tokens: Token[] = [];
	const pattern = /(-?)"([^"]*)"?|(\S+)/g;
	for (const m of keyword.matchAll(pattern)) {
		if (m[2] !== undefined) tokens.push({ kind: "phrase", text: m[2], negated: m[1] === "-" });
		else {
			const raw = m[3] ?? "";
			if (raw === "OR" || raw === "|") tokens.push({ kind: "or", text: raw, negated: false });
			else if (raw.startsWith("-") && raw.length > 1)
				tokens.push({ kind: "phrase", text: raw.slice(1), negated: true });
			else tokens.push({ kind: "words", text: raw, negated: false });
		}
	}
	return tokens;
}

/** Parses one keyword into alternatives and exclusions. */
export function parseTopic(keyword: string): Topic {
	const anyOf: Phrase[] = [];
	const noneOf: Phrase[] = [];
	let run: string[] = [];
	const flush = () => {
		if (run.length) anyOf.push(run);
		run = [];
	};
	for (const token of lex(keyword)) {
		if (token.kind === "or") flush();
		else if (token.negated) {
			const phrase = words(token.text);
			if (phrase.length) noneOf.push(phrase);
		} else if (token.kind === "phrase") {
			flush();
			const phrase = words(token.text);
			if (phrase.length) anyOf.push(phrase);
		} else run.push(...words(token.text));
	}
	flush();
	return { label: keyword, anyOf: dedupe(anyOf), noneOf: dedupe(noneOf) };
}

function dedupe(phrases: Phrase[]): Phrase[] {
	const seen = new Set<string>();
	return phrases.filter((p) => {
		const key = p.join(" ");
		if (seen.has(key)) return false;
		seen.add(key);
		return true;
	});
}

export function parseKeywords(raw: string | readonly string[]): ParsedKeywords {
	const keywords = typeof raw === "string" ? splitKeywords(raw) : raw;
	const topics: Topic[] = [];
	const globalNoneOf: Phrase[] = [];
	const problems: ParsedKeywords["problems"] = [];
	for (const keyword of keywords) {
		const topic = parseTopic(keyword);
		if (topic.anyOf.length) topics.push(topic);
		else if (topic.noneOf.length) globalNoneOf.push(...topic.noneOf);
		else problems.push({ keyword, reason: "has no letters or digits to search for" });
	}
	return { topics, globalNoneOf: dedupe(globalNoneOf), problems };
}
