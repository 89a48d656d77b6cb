/**
 * Acronyms both ways: an alternative written as an acronym (`MoE`, unquoted) also matches
 * the long forms the papers define for it ("mixture of experts"), and an alternative that
 * is such a long form also matches its acronym. The dictionary is what ingest learned
 * (papers/acronym-definitions.ts, counted per paper in the `acronyms` table). Which
 * entries are used, and why (docs/decisions/041-acronyms-from-the-papers.md):
 *
 * - an acronym expands to its long forms defined at least a quarter as often as its most
 *   common one (senses that are rare for it stay out), three at most;
 * - a long form adds its acronym only when that acronym means it in at least half of its
 *   definitions, and a two-letter acronym only once two papers define it so (two letters
 *   stand for many things: `RL`, `SD`, `TS`).
 *
 * Quoted alternatives (`"MoE"`) and exclusions stay literal.
 */
import { type AcronymEntry, findAcronyms, summariseAcronyms } from "../db/acronyms.ts";
import type { Db } from "../db/schema.ts";
import type { Deps } from "../deps.ts";
import { acronymKey, longFormKey, looksLikeAcronym } from "../papers/acronym-definitions.ts";
import {
	type Expandable,
	keywordLimits,
	type ParsedKeywords,
	type Phrase,
	parseKeywords,
	type Topic,
	words,
} from "./parse.ts";

export const expansionRules = {
	/** A long form is used when defined at least this share as often as the acronym's most common one. */
	minShareOfTop: 0.25,
	maxLongForms: 3,
	/** An acronym is added to its long form when at least this share of its definitions are that long form. */
	minShareForAcronym: 0.5,
	/** Papers that must define a two-letter acronym with a long form before the long form adds it. */
	minPapersTwoLetters: 2,
} as const;

/** Alternatives a topic may have once expanded: twice what a reader may write. */
const maxExpandedAlternatives = keywordLimits.maxAlternatives * 2;

const shortKeyOf = (alternative: Expandable) =>
	looksLikeAcronym(alternative.written) ? acronymKey(alternative.written) : undefined;
const longKeyOf = (alternative: Expandable) =>
	alternative.phrase.length >= 2 ? longFormKey(alternative.phrase.join(" ")) : undefined;

/** What each alternative expands to, from the dictionary entries of its keys. */
function expansionsOf(alternative: Expandable, byShort: Map<string, AcronymEntry[]>): string[] {
	const shortKey = shortKeyOf(alternative);
	if (shortKey) {
		const senses = byShort.get(shortKey) ?? [];
		const top = senses[0]?.papers ?? 0;
		return senses
			.filter((e) => e.papers >= top * expansionRules.minShareOfTop)
			.slice(0, expansionRules.maxLongForms)
			.map((e) => e.long);
	}
	const longKey = longKeyOf(alternative);
	if (!longKey) return [];
	const found: string[] = [];
	for (const senses of byShort.values()) {
		const entry = senses.find((e) => e.longKey === longKey);
		if (!entry) continue;
		const total = senses.reduce((sum, e) => sum + e.papers, 0);
		const twoLetters = entry.shortKey.replace(/\s/g, "").length <= 2;
		if (entry.papers < total * expansionRules.minShareForAcronym) continue;
		if (twoLetters && entry.papers < expansionRules.minPapersTwoLetters) continue;
		found.push(entry.short);
	}
	return found;
}

/**
 * The same topics with acronyms expanded both ways (two small index lookups for all of
 * them). Topics with nothing to expand come back as they were, the same objects.
 */
export async function expandAcronyms(db: Db, topics: readonly Topic[]): Promise<Topic[]> {
	const alternatives = topics.flatMap((t) => t.expandable);
	const shortKeys = new Set(alternatives.flatMap((a) => shortKeyOf(a) ?? []));
	const longKeys = new Set(alternatives.flatMap((a) => longKeyOf(a) ?? []));
	if (!shortKeys.size && !longKeys.size) return [...topics];
	const entries = await findAcronyms(db, { shortKeys: [...shortKeys], longKeys: [...longKeys] });
	// A long form's acronyms are judged on all their definitions: fetch the rest of them.
	const more = [...new Set(entries.map((e) => e.shortKey))].filter((k) => !shortKeys.has(k));
	if (more.length) entries.push(...(await findAcronyms(db, { shortKeys: more, longKeys: [] })));
	const byShort = new Map<string, AcronymEntry[]>();
	for (const entry of new Map(entries.map((e) => [`${e.shortKey}|${e.longKey}`, e])).values()) {
		const senses = byShort.get(entry.shortKey) ?? [];
		senses.push(entry);
		byShort.set(entry.shortKey, senses);
	}
	for (const senses of byShort.values()) senses.sort((a, b) => b.papers - a.papers || a.long.localeCompare(b.long));
	return topics.map((topic) => {
		const seen = new Set(topic.anyOf.map((p) => p.join(" ")));
		const anyOf: Phrase[] = [...topic.anyOf];
		const expansions: Topic["expansions"] = [];
		for (const alternative of topic.expandable) {
			const to = expansionsOf(alternative, byShort).filter((text) => {
				const phrase = words(text);
				// One FTS5 query per topic stays small: expansions stop at the cap.
				if (!phrase.length || seen.has(phrase.join(" ")) || anyOf.length >= maxExpandedAlternatives) return false;
				seen.add(phrase.join(" "));
				anyOf.push(phrase);
				return true;
			});
			if (to.length) expansions.push({ from: alternative.written, to });
		}
		return expansions.length ? { ...topic, anyOf, expansions } : topic;
	});
}

/** Keywords parsed and their acronyms expanded: what matching works with. */
export async function resolveKeywords(db: Db, raw: string | readonly string[]): Promise<ParsedKeywords> {
	const parsed = parseKeywords(raw);
	return { ...parsed, topics: await expandAcronyms(db, parsed.topics) };
}

/** The dictionary's size and its most defined entries (`paperboy stats`, bench:relevance). */
export const acronymDictionary = (deps: Pick<Deps, "db">, top: number) => summariseAcronyms(deps.db, top);
