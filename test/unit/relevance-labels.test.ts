import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type CorpusPaper, loadCorpus } from "../../bench/relevance/corpus.ts";
import { type LabelledQuery, queryKinds, type RecommenderCase } from "../../bench/relevance/score.ts";
import { parseKeywords } from "../../src/core/topics/parse.ts";

/**
 * The labelled relevance set (bench/relevance/) stays usable: every id names a paper of
 * the corpus, no paper is labelled two ways, and every query is either plain keyword
 * syntax the current parser accepts or a well-formed author/category topic.
 */

const readJson = <T>(name: string): T =>
	JSON.parse(readFileSync(new URL(`../../bench/relevance/${name}`, import.meta.url), "utf8")) as T;
const queries = readJson<LabelledQuery[]>("queries.json");
const cases = readJson<RecommenderCase[]>("recommender.json");
const corpus = loadCorpus();
const byId = new Map<string, CorpusPaper>(corpus.map((p) => [p.id, p]));

const unknown = (ids: readonly string[]) => ids.filter((id) => !byId.has(id));
const repeated = (ids: readonly string[]) => ids.filter((id, i) => ids.indexOf(id) !== i);

// `cat:cs.CL`, `cat:cs.*`, `cat:astro-ph`, `cat:cond-mat.*`, then words for a combined topic.
const categoryTopic = /^cat:([a-z]+(?:-[a-z]+)*)(?:\.([A-Za-z]+(?:-[a-z]+)*|\*))?(?: (.+))?$/;
const authorTopic = /^author:(?:"[^"]+"|[^\s"]+)$/;

const inCategory = (paper: CorpusPaper | undefined, archive: string, subject: string | undefined) =>
	(paper?.categories ?? []).some((c) =>
		subject === "*" ? c.startsWith(`${archive}.`) : c === (subject ? `${archive}.${subject}` : archive),
	);

describe("the relevance corpus", () => {
	it("holds the 110 seed papers and every fixture paper once", () => {
		expect(corpus.filter((p) => p.id.startsWith("seed-"))).toHaveLength(110);
		expect(new Set(corpus.map((p) => p.id)).size).toBe(corpus.length);
		expect(corpus).toHaveLength(227);
		// the two recordings of 2026-06-12 share 21 papers; the later one has more upvotes
		expect(corpus.filter((p) => p.sources.length > 1)).toHaveLength(21);
		expect(byId.get("2606.08063")?.upvotes).toBe(74);
		// categories come from the arXiv feeds only: primary first, cross-lists after
		expect(byId.get("2606.13515")?.categories).toEqual(["cs.CV", "cs.LG", "cs.RO"]);
		expect(byId.get("2205.06398")?.categories).toEqual(["stat.ME", "stat.AP", "stat.ML"]);
		expect(byId.get("2606.13392")?.categories).toBeNull();
	});
});

describe("labelled queries", () => {
	it.each(queries.map((q) => [q.kind, q.query, q] as const))("%s %s is labelled consistently", (_k, _q, q) => {
		expect(queryKinds).toContain(q.kind);
		expect(q.note.trim()).not.toBe("");
		const unjudged = q.unjudged ?? [];
		const all = [...q.relevant, ...q.irrelevant, ...unjudged];
		expect(unknown(all)).toEqual([]);
		expect(repeated(all)).toEqual([]);
		// only an author query may have nothing to find, and then it must name what not to return
		if (!q.relevant.length) {
			expect(q.kind).toBe("author");
			expect(q.irrelevant.length).toBeGreaterThan(0);
		}
	});

	it.each(queries.filter((q) => q.kind === "lexical" || q.kind === "acronym").map((q) => [q.query]))(
		"%s parses as one keyword topic",
		(query) => {
			const parsed = parseKeywords([query]);
			expect(parsed.problems).toEqual([]);
			expect(parsed.topics).toHaveLength(1);
		},
	);

	it.each(queries.filter((q) => q.kind === "author").map((q) => [q.query]))("%s is an author topic", (query) => {
		expect(query).toMatch(authorTopic);
	});

	// Categories are facts of the payloads, so these labels must agree with the corpus exactly.
	it.each(queries.filter((q) => q.kind === "category").map((q) => [q.query, q] as const))(
		"%s lists exactly the papers filed in that category",
		(query, q) => {
			const [, archive = "", subject] = categoryTopic.exec(query) ?? [];
			expect(query).toMatch(categoryTopic);
			expect(categoryTopic.exec(query)?.[3]).toBeUndefined();
			const filed = corpus.filter((p) => inCategory(p, archive, subject)).map((p) => p.id);
			expect([...q.relevant].sort()).toEqual(filed.sort());
		},
	);

	it.each(queries.filter((q) => q.kind === "combined").map((q) => [q.query, q] as const))(
		"%s is a category with plain keywords, and its relevant papers are in the category",
		(query, q) => {
			const [, archive = "", subject, words = ""] = categoryTopic.exec(query) ?? [];
			expect(words).not.toBe("");
			expect(parseKeywords([words]).problems).toEqual([]);
			expect(q.relevant.filter((id) => !inCategory(byId.get(id), archive, subject))).toEqual([]);
		},
	);
});

describe("recommender cases", () => {
	it("name distinct subjects", () => {
		expect(repeated(cases.map((c) => c.subject))).toEqual([]);
		expect(cases.length).toBeGreaterThanOrEqual(8);
	});

	it.each(cases.map((c) => [c.subject, c] as const))(
		"%s: two liked, at least two held out, one dislike at most",
		(_s, c) => {
			expect(c.note.trim()).not.toBe("");
			expect(c.liked).toHaveLength(2);
			expect(c.relevant.length).toBeGreaterThanOrEqual(2);
			expect(c.disliked.length).toBeLessThanOrEqual(1);
			const all = [...c.liked, ...c.disliked, ...c.relevant];
			expect(unknown(all)).toEqual([]);
			expect(repeated(all)).toEqual([]);
		},
	);
});
