import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { loadCorpus } from "../../../bench/relevance/corpus.ts";
import { stemsOf } from "../../../src/core/recommend/stems.ts";
import { applyMigrations } from "../../../src/node/migrate.ts";

/**
 * stemsOf must give exactly the terms the search index holds: the real schema's papers_fts
 * (porter unicode61 remove_diacritics 2) is asked through fts5vocab for every token of
 * every document, in order.
 */

const sqlite = new Database(":memory:");
applyMigrations(sqlite);
sqlite.exec("CREATE VIRTUAL TABLE temp.papers_vocab USING fts5vocab(main, papers_fts, instance)");
afterAll(() => sqlite.close());

/** Stores each text as a paper's title and returns the tokens FTS5 indexed for each, in order. */
function indexed(texts: readonly string[]): string[][] {
	sqlite.exec("DELETE FROM papers");
	const insert = sqlite.prepare(
		"INSERT INTO papers (num, id, title, abstract, added_at, updated_at, source) VALUES (?, ?, ?, '', '', '', 'test')",
	);
	sqlite.transaction(() => {
		for (const [i, text] of texts.entries()) insert.run(i + 1, `p${i}`, text);
	})();
	const tokens = texts.map((): string[] => []);
	const rows = sqlite.prepare("SELECT doc, term FROM papers_vocab ORDER BY doc, col, offset").all() as {
		doc: number;
		term: string;
	}[];
	for (const row of rows) tokens[row.doc - 1]?.push(row.term);
	return tokens;
}

const codePoints = (from: number, to: number, except: ReadonlySet<number> = new Set()) =>
	Array.from({ length: to - from + 1 }, (_, i) => from + i).filter((c) => !except.has(c));

describe("stems as the search index has them", () => {
	it("agrees with FTS5 on every token of the corpus's titles and abstracts", () => {
		const texts = loadCorpus().flatMap((p) => [p.title, p.abstract]);
		const expected = indexed(texts);
		const differing = texts.filter((text, i) => JSON.stringify(stemsOf(text)) !== JSON.stringify(expected[i]));
		expect(differing).toEqual([]);
		expect(expected.flat().length).toBeGreaterThan(40_000);
	});

	it("agrees with FTS5 on each character of the Latin, Greek, Cyrillic, symbol and fullwidth blocks", () => {
		// Characters Unicode assigned after 6.1, which unicode61's tables predate: SQLite
		// keeps them inside words unfolded (docs/recommender.md).
		const newer = new Set([0x37f, 0x218a, 0x218b, ...codePoints(0x528, 0x52f), ...codePoints(0x2066, 0x2069)]);
		for (const c of codePoints(0x20ba, 0x20c1)) newer.add(c);
		const chars = [
			...codePoints(0x21, 0x52f, newer),
			...codePoints(0x1e00, 0x1fff),
			...codePoints(0x2000, 0x22ff, newer),
			...codePoints(0xff01, 0xffef),
			...codePoints(0x1d400, 0x1d7ff),
		];
		// Between two letters, so a character that separates words shows as a split.
		const texts = chars.map((c) => `q${String.fromCodePoint(c)}q`);
		const expected = indexed(texts);
		const differing = chars
			.filter((_, i) => JSON.stringify(stemsOf(texts[i] ?? "")) !== JSON.stringify(expected[i]))
			.map((c) => c.toString(16));
		expect(differing).toEqual([]);
	});

	it("folds case and Latin diacritics, splits at punctuation and stems as Porter does", () => {
		expect(stemsOf("Quantization, quantized QUANTIZER")).toEqual(["quantiz", "quantiz", "quantiz"]);
		expect(stemsOf("State-space models (SSMs) e.g. Mamba")).toEqual([
			"state",
			"space",
			"model",
			"ssm",
			"e",
			"g",
			"mamba",
		]);
		expect(stemsOf("Café naïve Straße İstanbul")).toEqual(["cafe", "naiv", "straß", "istanbul"]);
		expect(stemsOf("Cafe\u0301 δέλτα łódź")).toEqual(["cafe", "δέλτα", "łodz"]);
	});

	it("stems the UTF-8 bytes, as SQLite does: a non-ASCII letter counts as consonants", () => {
		// "große" is six bytes: step 5 drops the final e, which it would keep after a one-letter consonant
		expect(stemsOf("große μs")).toEqual(indexed(["große μs"])[0]);
		expect(stemsOf("große μs")).toEqual(["groß", "μ"]);
	});

	it("leaves tokens over 64 bytes unstemmed", () => {
		const long = `${"a".repeat(62)}ing`;
		expect(stemsOf(`${long} ${long.slice(1)}`)).toEqual([long, `${"a".repeat(61)}`]);
	});
});
