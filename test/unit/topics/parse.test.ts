import Database from "better-sqlite3";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { topicQuery, topicTitleQuery } from "../../../src/core/topics/fts.ts";
import { matchStoredPapers } from "../../../src/core/topics/match-papers.ts";
import { parseKeywords, parseTopic, readTopic, splitKeywords } from "../../../src/core/topics/parse.ts";
import { applyMigrations } from "../../../src/node/migrate.ts";
import { createTestRuntime } from "../../helpers/runtime.ts";

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

	it("compiles keywords with prefixes, quotes and operators to quoted phrases only", () => {
		const sqlite = new Database(":memory:");
		applyMigrations(sqlite);
		const match = sqlite.prepare("SELECT count(*) AS n FROM papers_fts WHERE papers_fts MATCH ?");
		fc.assert(
			fc.property(keywordLike, (keyword) => {
				const { topic } = readTopic(keyword);
				if (!topic.anyOf.length) return;
				const query = topicQuery(topic);
				// Outside its quoted phrases, a query holds only parentheses, OR and NOT.
				expect(query.replace(/"(?:[^"]|"")*"/g, "")).toMatch(/^[()\sORNT]*$/);
				match.get(query);
				match.get(topicTitleQuery(topic));
			}),
			{ numRuns: 500 },
		);
		sqlite.close();
	});
});

/** Keywords built from the pieces of the language (prefixes, quotes, OR, minus) and arbitrary text. */
const keywordLike = fc
	.tuple(
		fc.array(
			fc.oneof(
				fc.constantFrom(
					"author:",
					"cat:",
					"Author:",
					"foo:",
					"-cat:",
					"-author:",
					'"',
					"OR",
					"|",
					"-",
					":",
					"*",
					"cs.*",
				),
				fc.string({ unit: "grapheme", maxLength: 12 }),
			),
			{ maxLength: 8 },
		),
		fc.constantFrom("", " "),
	)
	.map(([parts, glue]) => parts.join(glue));

describe("author and category topics", () => {
	it("reads authors, quoted or as a last name", () => {
		const full = parseTopic('author:"Albert Gu"');
		expect(full.authors).toEqual([{ written: "Albert Gu", key: { last: "gu", given: ["albert"] } }]);
		expect(full.anyOf).toEqual([]);
		expect(full.reason).toBe("by Albert Gu");
		expect(parseTopic("Author:Gu").authors[0]?.key).toEqual({ last: "gu", given: [] });
	});

	it("reads categories and archives, alone or with words", () => {
		expect(parseTopic("cat:cs.CL").categories).toEqual([{ written: "cs.CL", category: "cs.cl", archive: false }]);
		expect(parseTopic("cat:cs.*").categories).toEqual([{ written: "cs.*", category: "cs.", archive: true }]);
		const combined = parseTopic("cat:cs.CV diffusion models");
		expect(combined.anyOf).toEqual([["diffusion", "models"]]);
		expect(combined.reason).toBe("diffusion models in cs.CV");
		expect(parseTopic('author:Gu "state space"').reason).toBe('"state space" by Gu');
	});

	it.each([
		["foo:bar", /"foo:", which is not a kind of topic/],
		["title:transformers", /"title:", which is not a kind of topic/],
		["author:", /needs a name after author:/],
		['author:""', /needs a name after author:/],
		["cat:", /needs an arXiv category/],
		["cat:cs.CL!", /needs an arXiv category after cat:.*not "cs.CL!"/],
		["diffusion -cat:cs.CV", /cannot leave papers out by cat:/],
		["author:Gu OR diffusion", /joins author: or cat: with OR/],
		["a OR b OR c OR d OR e OR f OR g OR h OR i", /more than 8 alternatives/],
	])("%s is a form error", (keyword, problem) => {
		const { problems } = parseKeywords([keyword]);
		expect(problems.map((p) => p.reason).join("; ")).toMatch(problem);
	});

	it("reads an unknown prefix as the words it holds, as before prefixes existed", () => {
		expect(parseTopic("title:transformers").anyOf).toEqual([["title", "transformers"]]);
		expect(parseKeywords(["Note: diffusion"]).problems).toEqual([]);
		expect(parseTopic("10:30 meeting").anyOf).toEqual([["10", "30", "meeting"]]);
		expect(parseKeywords(["verify at https://example.org/login"]).problems).toEqual([]);
	});

	it("marks unquoted alternatives for acronym expansion and keeps quoted ones literal", () => {
		expect(parseTopic("MoE OR state-space models").expandable).toEqual([
			{ phrase: ["moe"], written: "MoE" },
			{ phrase: ["state", "space", "models"], written: "state-space models" },
		]);
		expect(parseTopic('"MoE"').expandable).toEqual([]);
	});

	it("matches any keyword against stored papers without an error", async () => {
		const rt = await createTestRuntime();
		try {
			await fc.assert(
				fc.asyncProperty(fc.array(keywordLike, { minLength: 1, maxLength: 4 }), async (keywords) => {
					await matchStoredPapers(rt.deps, keywords);
				}),
				{ numRuns: 150 },
			);
		} finally {
			await rt.dispose();
		}
	});
});
