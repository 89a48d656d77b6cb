import Database from "better-sqlite3";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { topicQuery, topicTitleQuery } from "../../../src/core/topics/fts.ts";
import { parseKeywords, parseTopic, splitKeywords } from "../../../src/core/topics/parse.ts";
import { applyMigrations } from "../../../src/node/migrate.ts";

describe("the keyword language", () => {
	it("splits on commas, semicolons and lines, trims, and drops duplicates case-insensitively", () => {
		expect(splitKeywords(" diffusion,\nState Space Models ;state space models\r\n, ,")).toEqual([
			"diffusion",
			"State Space Models",
		]);
	});

	it("keeps commas inside quotes", () => {
		expect(splitKeywords('"models, large", rag')).toEqual(['"models, large"', "rag"]);
	});

	it("reads several words as one phrase, case and hyphens folded", () => {
		expect(parseTopic("State-Space Models").anyOf).toEqual([["state", "space", "models"]]);
	});

	it("reads quotes, OR and exclusions", () => {
		const topic = parseTopic('"flow matching" OR diffusion -audio -"speech synthesis"');
		expect(topic.anyOf).toEqual([["flow", "matching"], ["diffusion"]]);
		expect(topic.noneOf).toEqual([["audio"], ["speech", "synthesis"]]);
	});

	it("treats a keyword of only exclusions as applying to all topics", () => {
		const parsed = parseKeywords(["diffusion", "-survey"]);
		expect(parsed.topics.map((t) => t.label)).toEqual(["diffusion"]);
		expect(parsed.globalNoneOf).toEqual([["survey"]]);
	});

	it("reports keywords with nothing to search for", () => {
		expect(parseKeywords(["!!!", "ok"]).problems).toEqual([
			{ keyword: "!!!", reason: "has no letters or digits to search for" },
		]);
	});

	it("never lets FTS5 syntax through: every word is quoted", () => {
		expect(topicQuery(parseTopic('a" OR title:* NEAR(x) ^b -"c'))).toBe('("a" OR "title near x b") NOT ("c")');
	});

	it("compiles any string to a query FTS5 accepts", () => {
		const sqlite = new Database(":memory:");
		applyMigrations(sqlite);
		const match = sqlite.prepare("SELECT count(*) AS n FROM papers_fts WHERE papers_fts MATCH ?");
		fc.assert(
			fc.property(fc.string({ unit: "grapheme", maxLength: 60 }), (keyword) => {
				const topic = parseTopic(keyword);
				if (!topic.anyOf.length) return;
				match.get(topicQuery(topic));
				match.get(topicTitleQuery(topic));
			}),
			{ numRuns: 500 },
		);
		sqlite.close();
	});
});
