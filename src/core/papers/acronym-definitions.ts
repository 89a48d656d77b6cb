/**
 * Acronym definitions found in a paper's own text, with the abbreviation-definition
 * algorithm of Schwartz & Hearst (2003, "A simple algorithm for identifying abbreviation
 * definitions in biomedical text"): a short form in parentheses after its long form
 * ("mixture of experts (MoE)") or the other way round ("MoE (mixture of experts)"); the
 * long form is the shortest run of words before the parenthesis in which every letter
 * and digit of the short form appears in order, the first one starting a word.
 *
 * Guards so that a common word never becomes an acronym (docs/topics.md): the short form
 * must look like one (2-10 letters or digits, at least two capitals or a capital and a
 * digit, capitals and digits at least half of it), must not be a common English word or
 * a Roman numeral, and the long form must have two words or more.
 */
import { stemmer } from "stemmer";
import { words } from "../topics/parse.ts";

export interface AcronymDefinition {
	/** As written, plural `s` dropped: `MoE`, `SSM`, `LLM`. */
	short: string;
	/** Lower-cased words: `mixture of experts`. */
	long: string;
	/** Folded short form: `moe`. */
	shortKey: string;
	/** Porter stems of the long form's words, as the search index stems them: `mixtur of expert`. */
	longKey: string;
}

// Written in capitals these are still words, not acronyms ("(AND)", "(NOT)", "(II)").
const commonWords = new Set(
	(
		"a an and are as at be but by can do for from had has have he her his how if in is it its me my no nor not " +
		"of on or our out she so the to too two up us was we who why yes you all any few new now one off own per see " +
		"set six ten use via way also been both each else even just like many more most much must next none note only " +
		"over same some such than that them then they this thus very what when will with your eg ie etc vs cf et al fig " +
		"eq sec ref app ii iii iv vi vii viii ix xi xii"
	).split(" "),
);

const maxShortLength = 10;

/** A plural `s` after a capital or digit is not part of the acronym: `LLMs` is `LLM`. */
export function singularAcronym(short: string): string {
	return /[A-Z0-9]s$/.test(short) ? short.slice(0, -1) : short;
}

/**
 * Whether a word as written looks like an acronym: `MoE`, `LoRA`, `ViT`, `T2I`, `PEFT`,
 * `LLMs`; not `Mamba`, `moe`, `AND` or `II`.
 */
export function looksLikeAcronym(written: string): boolean {
	const short = singularAcronym(written.trim());
	const chars = short.replace(/[-\s]/g, "");
	if (chars.length < 2 || chars.length > maxShortLength || !/^[\p{L}\p{N}]+$/u.test(chars)) return false;
	const capitals = (chars.match(/\p{Lu}/gu) ?? []).length;
	const digits = (chars.match(/\p{N}/gu) ?? []).length;
	if (capitals < 2 && !(capitals === 1 && digits >= 1)) return false;
	if ((capitals + digits) * 2 < chars.length) return false;
	return !commonWords.has(words(short).join(" "));
}

export const acronymKey = (short: string): string => words(singularAcronym(short)).join(" ");
export const longFormKey = (long: string): string => words(long).map(stemmer).join(" ");

const isAlnum = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}]/u.test(ch);

/**
 * Schwartz & Hearst's best long form: walk the short form from its end, finding each of
 * its letters and digits further left in the candidate; the first must start a word.
 * Returns the candidate from the start of that word, or undefined.
 */
export function bestLongForm(short: string, candidate: string): string | undefined {
	const s = short.toLowerCase();
	const l = candidate.toLowerCase();
	let li = l.length - 1;
	for (let si = s.length - 1; si >= 0; si--) {
		const ch = s[si];
		if (!isAlnum(ch)) continue;
		while ((li >= 0 && l[li] !== ch) || (si === 0 && li > 0 && isAlnum(l[li - 1]))) li--;
		if (li < 0) return undefined;
		li--;
	}
	const start = l.lastIndexOf(" ", li) + 1;
	return candidate.slice(start);
}

const wordCount = (text: string) => text.split(/\s+/).filter(Boolean).length;

/** The definition a short form and the text before it make, if it passes every check. */
function definition(short: string, before: string): AcronymDefinition | undefined {
	if (!looksLikeAcronym(short)) return undefined;
	const letters = short.replace(/[-\s]/g, "").length;
	const maxWords = Math.min(letters + 5, letters * 2);
	const window = before.trim().split(/\s+/).slice(-maxWords).join(" ");
	const long = bestLongForm(short, window);
	if (!long) return undefined;
	const longWords = words(long);
	const shortKey = acronymKey(short);
	if (longWords.length < 2 || wordCount(long) > maxWords || long.length <= short.length) return undefined;
	// The long form must not hold the short form itself ("MoE layers (MoE)").
	if (` ${longWords.join(" ")} `.includes(` ${shortKey} `)) return undefined;
	return { short: singularAcronym(short), long: longWords.join(" "), shortKey, longKey: longFormKey(long) };
}

// A sentence or clause boundary, or an earlier parenthesis: a long form never reaches past one.
const boundary = /[.;:!?]\s|[()[\]]/g;

/** Every definition in a text (a title, an abstract), each short and long key once. */
export function findAcronymDefinitions(text: string): AcronymDefinition[] {
	const found = new Map<string, AcronymDefinition>();
	for (const match of text.matchAll(/\(([^()]{1,120})\)/g)) {
		const at = match.index ?? 0;
		const inside = (match[1] ?? "").split(/[;,]/)[0]?.trim() ?? "";
		let before = text.slice(0, at);
		const cut = [...before.matchAll(boundary)].at(-1);
		if (cut?.index !== undefined) before = before.slice(cut.index + cut[0].length);
		let def: AcronymDefinition | undefined;
		if (wordCount(inside) <= 2) def = definition(inside, before);
		else {
			// "MoE (mixture of experts)": the word before the parenthesis is the short form.
			const short = before.trim().split(/\s+/).at(-1) ?? "";
			def = definition(short, inside);
		}
		const key = `${def?.shortKey}|${def?.longKey}`;
		if (def && !found.has(key)) found.set(key, def);
	}
	return [...found.values()];
}
