/**
 * Author names folded for lookup, the same way whichever source wrote them (Hugging Face,
 * the arXiv API, arXiv RSS) and whatever a reader types after `author:`. A name becomes
 * a last name and a list of given names, all folded: case and diacritics
 * (`Ramírez` = `ramirez`, also letters without a decomposition: `Rafał` = `rafal`),
 * dots and hyphens (`Ji-Rong` = `jirong`, `J.-R.` = the initial `j`), surname particles
 * (`van der`, `de`) and suffixes (`Jr.`) dropped. Which names match which is in
 * `authorNameMatches`; docs/topics.md says how ambiguity is handled.
 */

/** A folded name: `last` is one word; each given name is a word or a one-letter initial. */
export interface AuthorKey {
	last: string;
	given: string[];
}

// Letters NFKD does not take apart.
const letters: Record<string, string> = {
	ł: "l",
	ø: "o",
	đ: "d",
	ð: "d",
	þ: "th",
	ß: "ss",
	æ: "ae",
	œ: "oe",
	ı: "i",
	ħ: "h",
	ŀ: "l",
};
const unfolded = new RegExp(`[${Object.keys(letters).join("")}]`, "g");

/** Lower case, without diacritics. */
export function foldLetters(text: string): string {
	return text
		.toLowerCase()
		.replace(unfolded, (ch) => letters[ch] ?? ch)
		.normalize("NFKD")
		.replace(/\p{M}/gu, "");
}

const particles = new Set([
	"van",
	"von",
	"der",
	"den",
	"de",
	"del",
	"della",
	"di",
	"da",
	"das",
	"dos",
	"du",
	"la",
	"le",
	"ter",
	"ten",
]);
const suffixes = new Set(["jr", "sr", "ii", "iii", "iv"]);

/** One word of a name: hyphenated names join (`jirong`), hyphenated initials keep the first (`j`). */
function nameWord(raw: string): string {
	const parts = raw.split("-").map((part) => part.replace(/[^\p{L}\p{N}]/gu, ""));
	const filled = parts.filter(Boolean);
	if (filled.some((part) => part.length === 1)) return filled[0]?.slice(0, 1) ?? "";
	return filled.join("");
}

/** The folded key of a name as written, or undefined when it holds no letters. */
export function authorKey(name: string): AuthorKey | undefined {
	let text = foldLetters(name);
	// "Gu, Albert" is "Albert Gu".
	const comma = text.split(",");
	if (comma.length === 2 && comma[1]?.trim()) text = `${comma[1]} ${comma[0]}`;
	// "A.J." is two initials; "J.-R." one hyphenated initial, kept as "j".
	const words = text
		.split(/[\s,]+/)
		.flatMap((token) => (token.includes("-") ? [token] : token.split(".")))
		.map(nameWord)
		.filter((word) => word && !suffixes.has(word));
	const last = words.pop();
	if (!last) return undefined;
	return { last, given: words.filter((word) => !particles.has(word)) };
}

/** Keys of a paper's authors, in order; names with no letters are left out. */
export function authorKeys(names: readonly string[]): AuthorKey[] {
	return names.flatMap((name) => {
		const key = authorKey(name);
		return key ? [key] : [];
	});
}

const pairs = (a: string, b: string) =>
	a === b || (a.length === 1 && b.startsWith(a)) || (b.length === 1 && a.startsWith(b));

/**
 * Whether an author the reader asked for can be this stored author. Last names must be
 * equal. Each given name asked for pairs, in order, with a given name of the author:
 * the same name, or an initial of it either way (`H. Li` = Hongsheng Li, `Albert Gu` =
 * A. Gu). The first one asked for must pair, and so must every full name; middle
 * initials asked for may be missing on the paper. Given names the paper has beyond those
 * asked for do not matter (`Michael Alvarez` = R. Michael Alvarez). A last name alone
 * matches every author with that last name.
 */
export function authorNameMatches(asked: AuthorKey, author: AuthorKey): boolean {
	if (asked.last !== author.last) return false;
	return givenMatch(asked.given, 0, author.given, 0);
}

function givenMatch(asked: readonly string[], i: number, author: readonly string[], j: number): boolean {
	if (i >= asked.length) return true;
	const want = asked[i] as string;
	for (let k = j; k < author.length; k++) {
		if (pairs(want, author[k] as string) && givenMatch(asked, i + 1, author, k + 1)) return true;
	}
	// Only a middle initial may go unpaired.
	return i > 0 && want.length === 1 && givenMatch(asked, i + 1, author, j);
}

/** How a key reads back: `h li`, `albert gu`. */
export const authorKeyText = (key: AuthorKey) => [...key.given, key.last].join(" ");
