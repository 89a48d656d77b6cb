/**
 * The keyword language readers type on the form, one topic per comma or line:
 *   diffusion                 a word (stemmed: `model` matches `models`)
 *   state space models        several words are a phrase: adjacent, in order
 *   "flow matching"           quotes make a phrase explicitly, and keep it literal
 *   diffusion OR flow         either alternative
 *   speech -audio             exclude papers that mention a word or "phrase"
 *   -survey                   a topic that is only exclusions applies to all topics
 *   author:"Albert Gu"        papers by an author (author:Gu: any author named Gu)
 *   cat:cs.CL, cat:cs.*       papers listed in an arXiv category, or any of an archive's
 *   cat:cs.CV diffusion       both: a category (or author) and words
 * Case, punctuation and hyphens do not matter (`state-space` = `state space`). An
 * unquoted acronym or long form also matches the other (`MoE` = "mixture of experts"):
 * see acronym-expansion.ts. docs/topics.md is the reader's guide.
 */
import { type AuthorKey, authorKey } from "../papers/author-names.ts";

/** A phrase is a list of lower-cased word tokens that must appear adjacent, in order. */
export type Phrase = readonly string[];

/** `author:"…"`: any author whose name can be this one (papers/author-names.ts). */
export interface AuthorFilter {
	written: string;
	key: AuthorKey;
}

/** `cat:…`: a category (`cs.cl`, lower-cased) or, with `archive`, every category of `cs.`. */
export interface CategoryFilter {
	written: string;
	category: string;
	archive: boolean;
}

/** An alternative written without quotes, as typed: acronym expansion may add to it. */
export interface Expandable {
	phrase: Phrase;
	written: string;
}

export interface Topic {
	/** The keyword as the reader typed it (trimmed). */
	label: string;
	/** Why a paper is shown for this topic: the label, or `by Albert Gu`, `diffusion in cs.CV`. */
	reason: string;
	/** Text alternatives (with acronym expansions once resolved); empty when only filters. */
	anyOf: Phrase[];
	noneOf: Phrase[];
	/** A paper must have one of these authors (when any). */
	authors: AuthorFilter[];
	/** A paper must be listed in one of these categories (when any). */
	categories: CategoryFilter[];
	expandable: Expandable[];
	/** What acronym expansion added, per alternative as typed. */
	expansions: { from: string; to: string[] }[];
}

export interface ParsedKeywords {
	topics: Topic[];
	/** Exclusions given as their own keyword: they apply to every topic. */
	globalNoneOf: Phrase[];
	/** Keywords that cannot be used as written, with the reason; the form reports them. */
	problems: { keyword: string; reason: string }[];
}

export const keywordLimits = {
	maxKeywords: 20,
	maxKeywordLength: 100,
	maxTotalLength: 1000,
	/** Alternatives (`a OR b OR …`) a reader may write in one topic. */
	maxAlternatives: 8,
} as const;

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

export const topicPrefixes = ["author", "cat"] as const;

type Token =
	| { kind: "words" | "phrase"; text: string; negated: boolean }
	| { kind: "or"; text: string }
	| { kind: "prefixed"; prefix: string; value: string; negated: boolean; text: string };

// `author:"A B"`, then `"a b"`, then any run of non-spaces.
const tokenPattern = /(-?)([A-Za-z]+):"([^"]*)"?|(-?)"([^"]*)"?|(\S+)/g;
// Letters before a colon: `author:Gu`, `cat:cs.CL`, `foo:bar`; `Note:` alone is a word, `author:` alone is not.
const unquotedPrefix = /^(-?)([A-Za-z]+):(.*)$/;

function lex(keyword: string): Token[] {
	const tokens: Token[] = [];
	for (const m of keyword.matchAll(tokenPattern)) {
		const text = m[0];
		if (m[2] !== undefined) {
			tokens.push({ kind: "prefixed", prefix: m[2], value: m[3] ?? "", negated: m[1] === "-", text });
		} else if (m[5] !== undefined) tokens.push({ kind: "phrase", text: m[5], negated: m[4] === "-" });
		else {
			const raw = m[6] ?? "";
			const match = unquotedPrefix.exec(raw);
			// A link (`https://…`) is words, as it always was; `author:` alone is a prefix without a value.
			const value = match?.[3] ?? "";
			const prefixed = match && !value.startsWith("//") && (value || isPrefixName(match[2])) ? match : undefined;
			if (raw === "OR" || raw === "|") tokens.push({ kind: "or", text: raw });
			else if (prefixed)
				tokens.push({
					kind: "prefixed",
					prefix: prefixed[2] ?? "",
					value: prefixed[3] ?? "",
					negated: prefixed[1] === "-",
					text: raw,
				});
			else if (raw.startsWith("-") && raw.length > 1)
				tokens.push({ kind: "phrase", text: raw.slice(1), negated: true });
			else tokens.push({ kind: "words", text: raw, negated: false });
		}
	}
	return tokens;
}

// arXiv's taxonomy: `cs.CL`, `astro-ph.GA`, `cond-mat.stat-mech`, `hep-th`, and `cs.*` for an archive.
const categoryPattern = /^([a-z]+(?:-[a-z]+)*)(?:\.([a-z]+(?:-[a-z]+)*|\*))?$/i;

const prefixHelp = 'author:"First Last", author:Lastname, cat:cs.CL or cat:cs.*';

type Prefixed = Extract<Token, { kind: "prefixed" }>;

function isPrefixName(name: string | undefined): boolean {
	return (topicPrefixes as readonly string[]).includes(name?.toLowerCase() ?? "");
}

const isKnownPrefix = (token: Token | undefined): boolean => token?.kind === "prefixed" && isPrefixName(token.prefix);

/** What a prefixed token adds to a topic, or the problem with it. */
function readPrefixed(
	token: Prefixed,
): { author: AuthorFilter } | { category: CategoryFilter } | { problem: string } | { unknown: string } {
	const prefix = token.prefix.toLowerCase();
	if (!isKnownPrefix(token)) {
		return {
			unknown: `uses "${token.prefix}:", which is not a kind of topic (known: ${prefixHelp}); put words with a colon in "quotes"`,
		};
	}
	if (token.negated) return { problem: `cannot leave papers out by ${prefix}: make it a topic of its own instead` };
	const value = token.value.trim();
	if (prefix === "author") {
		const key = authorKey(value);
		if (!key) return { problem: 'needs a name after author:, e.g. author:"Albert Gu" or author:Gu' };
		// A single word is a last name; `author:"Albert Gu"` needs the quotes to hold both names.
		return { author: { written: value, key } };
	}
	const category = categoryPattern.exec(value);
	if (!category) return { problem: `needs an arXiv category after cat:, e.g. cat:cs.CL or cat:cs.* (not "${value}")` };
	const whole = category[2] === "*";
	return {
		category: {
			written: value,
			category: whole ? `${(category[1] ?? "").toLowerCase()}.` : value.toLowerCase(),
			archive: whole,
		},
	};
}

/** A parsed keyword and what is wrong with it, if anything (the form rejects those). */
export interface TopicReading {
	topic: Topic;
	problems: string[];
}

/** Parses one keyword into alternatives, exclusions and filters. */
export function readTopic(keyword: string): TopicReading {
	const anyOf: Phrase[] = [];
	const noneOf: Phrase[] = [];
	const authors: AuthorFilter[] = [];
	const categories: CategoryFilter[] = [];
	const expandable: Expandable[] = [];
	const problems: string[] = [];
	const text: string[] = [];
	let run: string[] = [];
	let written: string[] = [];
	const flush = () => {
		if (run.length) {
			anyOf.push(run);
			expandable.push({ phrase: run, written: written.join(" ") });
		}
		run = [];
		written = [];
	};
	const tokens = lex(keyword);
	let alternatives = 0;
	for (const [i, token] of tokens.entries()) {
		if (token.kind === "or") {
			if (isKnownPrefix(tokens[i - 1]) || isKnownPrefix(tokens[i + 1])) {
				problems.push("joins author: or cat: with OR; write each as a topic of its own (comma-separated) instead");
			}
			alternatives++;
			flush();
			text.push(token.text);
		} else if (token.kind === "prefixed") {
			const read = readPrefixed(token);
			if ("unknown" in read) {
				problems.push(read.unknown);
				// Read as the words it holds, as before prefixes existed: stored topics keep matching.
				run.push(...words(token.text));
				written.push(token.text);
				text.push(token.text);
			} else if ("problem" in read) problems.push(read.problem);
			else if ("author" in read) authors.push(read.author);
			else if ("category" in read) categories.push(read.category);
		} else if (token.negated) {
			const phrase = words(token.text);
			if (phrase.length) noneOf.push(phrase);
			text.push(token.kind === "phrase" ? `-"${token.text}"` : `-${token.text}`);
		} else if (token.kind === "phrase") {
			flush();
			const phrase = words(token.text);
			if (phrase.length) anyOf.push(phrase);
			text.push(`"${token.text}"`);
		} else {
			run.push(...words(token.text));
			written.push(token.text);
			text.push(token.text);
		}
	}
	flush();
	if (alternatives + 1 > keywordLimits.maxAlternatives) {
		problems.push(`has more than ${keywordLimits.maxAlternatives} alternatives joined with OR`);
	}
	const label = keyword.trim();
	const topic: Topic = {
		label,
		reason: reasonFor(label, text.join(" "), authors, categories),
		anyOf: dedupe(anyOf),
		noneOf: dedupe(noneOf),
		authors,
		categories,
		expandable,
		expansions: [],
	};
	return { topic, problems };
}

/** `by Albert Gu`, `in cs.CL`, `diffusion in cs.CV`; a plain keyword is its own reason. */
function reasonFor(label: string, text: string, authors: AuthorFilter[], categories: CategoryFilter[]): string {
	if (!authors.length && !categories.length) return label;
	const parts = [text];
	if (authors.length) parts.push(`by ${authors.map((a) => a.written).join(" or ")}`);
	if (categories.length) parts.push(`in ${categories.map((c) => c.written).join(" or ")}`);
	return parts.filter(Boolean).join(" ");
}

/** Parses one keyword, leaving aside what is wrong with it (see readTopic). */
export const parseTopic = (keyword: string): Topic => readTopic(keyword).topic;

/** Whether a topic can match anything: words to look for, or an author or a category. */
export const hasSubject = (topic: Topic): boolean =>
	topic.anyOf.length > 0 || topic.authors.length > 0 || topic.categories.length > 0;

function dedupe(phrases: Phrase[]): Phrase[] {
	const seen = new Set<string>();
	return phrases.filter((p) => {
		const key = p.join(" ");
		if (seen.has(key)) return false;
		seen.add(key);
		return true;
	});
}

/** The problem of a keyword with nothing in it to look for (`!!!`). */
export const nothingToSearch = "has no letters or digits to search for";

export function parseKeywords(raw: string | readonly string[]): ParsedKeywords {
	const keywords = typeof raw === "string" ? splitKeywords(raw) : raw;
	const topics: Topic[] = [];
	const globalNoneOf: Phrase[] = [];
	const problems: ParsedKeywords["problems"] = [];
	for (const keyword of keywords) {
		const { topic, problems: wrong } = readTopic(keyword);
		for (const reason of wrong) problems.push({ keyword, reason });
		if (hasSubject(topic)) topics.push(topic);
		else if (topic.noneOf.length) globalNoneOf.push(...topic.noneOf);
		else if (!wrong.length) problems.push({ keyword, reason: nothingToSearch });
	}
	return { topics, globalNoneOf: dedupe(globalNoneOf), problems };
}
