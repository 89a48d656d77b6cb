/**
 * The words of a text exactly as the search index stores them: SQLite FTS5's
 * `porter unicode61 remove_diacritics 2` tokenizer (migrations/0001_init.sql), so a paper's
 * terms, a reader's profile and a topic all speak of the same stems. unicode61 splits at
 * anything that is not a letter, digit or private-use character (and treats code points
 * Unicode 6.1 had not assigned as letters), folds case, and removes the diacritics of Latin
 * letters; porter then stems each token's UTF-8 bytes. test/unit/recommend/stems.test.ts
 * compares this with SQLite itself; docs/recommender.md lists the few characters where the
 * two differ (those Unicode assigned after 6.1).
 */
import { stemmer } from "stemmer";

// The combining marks unicode61 removes: they stay inside a word (and vanish); every other
// mark separates words, as punctuation does.
const removedMarks = "\\u0300-\\u0304\\u0306-\\u030c\\u030f\\u0311\\u031b\\u0323-\\u0328\\u032d\\u032e\\u0330\\u0331";
const wordPattern = new RegExp(`[\\p{L}\\p{N}\\p{Co}\\p{Cn}${removedMarks}]+`, "gu");
const markPattern = new RegExp(`[${removedMarks}]`, "gu");
const latinWithMarks = new RegExp(`^[a-z][${removedMarks}]+$`);
// U+FFFE and U+FFFF are unassigned for JavaScript but separators for unicode61.
const nonCharacters = /[\uFFFE\uFFFF]/g;
const ascii = /^[\x00-\x7f]*$/;

// Porter leaves tokens shorter than 3 or longer than 64 bytes as they are.
const minStemBytes = 3;
const maxStemBytes = 64;

/** unicode61's case folding and diacritic removal of one code point. */
function foldChar(char: string): string {
	// Two letters unicode61 keeps although JavaScript can fold them: dotless i, and a with
	// dot above and macron (its table has no entry for it).
	if (char === "ı" || char === "ǡ") return char;
	if (char === "Ǡ") return "ǡ";
	// Upper then lower is Unicode's simple case folding for all but a few letters (final
	// sigma, micro sign, long s fold to σ, μ, s as unicode61 does); letters whose upper
	// case is two letters (ß) keep their lower case.
	const upper = char.toUpperCase();
	const lower = [...upper].length === 1 ? upper.toLowerCase() : char.toLowerCase();
	if ([...lower].length !== 1) return lower;
	const decomposed = lower.normalize("NFD");
	return latinWithMarks.test(decomposed) ? (decomposed[0] ?? lower) : lower;
}

function foldWord(word: string): string {
	if (ascii.test(word)) return word.toLowerCase();
	let folded = "";
	for (const char of word) folded += foldChar(char);
	return folded.replace(markPattern, "");
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();
// Each byte of a non-ASCII character stands in the stemmer for one private-use character:
// a consonant, as SQLite's porter treats every byte that is not a, e, i, o, u or y.
const bytePlaceholder = 0xe000;

/** SQLite's porter step on one folded token: it stems bytes, so the stemmer sees bytes too. */
function stemWord(word: string): string {
	if (ascii.test(word)) return word.length < minStemBytes || word.length > maxStemBytes ? word : stemmer(word);
	const bytes = utf8.encode(word);
	if (bytes.length < minStemBytes || bytes.length > maxStemBytes) return word;
	let spelled = "";
	for (const byte of bytes) spelled += String.fromCharCode(byte < 0x80 ? byte : bytePlaceholder + byte);
	const stemmed = stemmer(spelled);
	const out = new Uint8Array(stemmed.length);
	for (let i = 0; i < stemmed.length; i++) {
		const code = stemmed.charCodeAt(i);
		out[i] = code < 0x80 ? code : code - bytePlaceholder;
	}
	return fromUtf8.decode(out);
}

/** The stems of a text in order, repeats kept: what FTS5 indexes for it. */
export function stemsOf(text: string): string[] {
	const words = text.replace(nonCharacters, " ").match(wordPattern) ?? [];
	const stems: string[] = [];
	for (const word of words) {
		const folded = foldWord(word);
		if (folded) stems.push(stemWord(folded));
	}
	return stems;
}
