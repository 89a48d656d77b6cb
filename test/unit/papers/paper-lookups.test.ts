import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { ingest } from "../../../src/core/papers/ingest.ts";
import { refreshAllDerivedData } from "../../../src/core/papers/refresh-derived.ts";
import { acronymDictionary } from "../../../src/core/topics/acronym-expansion.ts";
import { matchStoredPapers } from "../../../src/core/topics/match-papers.ts";
import { hours } from "../../helpers/clock.ts";
import { fixtures, readFixture } from "../../helpers/paper-fixtures.ts";
import { addPapers, paper } from "../../helpers/readers.ts";
import { createTestRuntime, type TestRuntime } from "../../helpers/runtime.ts";

/**
 * Author, category and acronym lookups follow the papers they come from: whatever ingest
 * stores, re-ingests or changes, a topic finds what the paper says now.
 */

let runtimes: TestRuntime[] = [];
afterEach(async () => {
	await Promise.all(runtimes.map((r) => r.dispose()));
	runtimes = [];
});

async function fresh() {
	const runtime = await createTestRuntime({}, { papers: "none" });
	runtimes.push(runtime);
	return runtime;
}

const ids = async (rt: TestRuntime, keyword: string) =>
	(await matchStoredPapers(rt.deps, [keyword])).papers.map((p) => p.paper.id);

const atomFeed = (id: string, categories: string[]) =>
	`<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/${id}v2</id><title>Robust Flow Matching</title><summary>An abstract.</summary><author><name>Someone Else</name></author>${categories.map((c) => `<category term="${c}"/>`).join("")}</entry></feed>`;

describe("category lookups", () => {
	it("give a Hugging Face paper its categories once an arXiv feed lists it, and keep them after", async () => {
		const rt = await fresh();
		await ingest(rt.deps, { source: "hf", payload: { text: readFixture(fixtures.hfDate0612), origin: "hf" } });
		const hfOnly = "2606.08063";
		expect(await ids(rt, "cat:cs.CV")).toEqual([]);
		await ingest(rt.deps, { source: "arxiv", payload: { text: atomFeed(hfOnly, ["cs.CV", "cs.LG"]), origin: "feed" } });
		expect(await ids(rt, "cat:cs.CV")).toEqual([hfOnly]);
		expect(await ids(rt, "cat:cs.*")).toEqual([hfOnly]);
		// Hugging Face again (no categories, more upvotes): the categories stay.
		rt.clock.advance(hours(1));
		await ingest(rt.deps, { source: "hf", payload: { text: readFixture(fixtures.hfLatest0612), origin: "hf" } });
		expect(await ids(rt, "cat:cs.LG")).toEqual([hfOnly]);
		// A later listing replaces them.
		await ingest(rt.deps, { source: "arxiv", payload: { text: atomFeed(hfOnly, ["stat.ML"]), origin: "feed" } });
		expect(await ids(rt, "cat:cs.CV")).toEqual([]);
		expect(await ids(rt, "cat:stat.ML")).toEqual([hfOnly]);
	});
});

describe("author lookups", () => {
	it("follow a paper's author list when it changes, and keep it when a source gives none", async () => {
		const rt = await fresh();
		await addPapers(rt, [paper("2611.00001", "A title", "An abstract.", { authors: ["Albert Gu", "Tri Dao"] })]);
		expect(await ids(rt, 'author:"A. Gu"')).toEqual(["2611.00001"]);
		await addPapers(rt, [paper("2611.00001", "A title", "An abstract.", { authors: ["Tri Dao"] })]);
		expect(await ids(rt, "author:Gu")).toEqual([]);
		await addPapers(rt, [paper("2611.00001", "A title", "An abstract.", { authors: [] })]);
		expect(await ids(rt, 'author:"Tri Dao"')).toEqual(["2611.00001"]);
	});
});

const moe = "Sparse mixture-of-experts (MoE) layers route tokens.";

describe("the acronym dictionary", () => {
	it("counts each paper's definition once, however often it is ingested, and forgets it with the text", async () => {
		const rt = await fresh();
		await addPapers(rt, [paper("2611.00001", "One", moe), paper("2611.00002", "Two", moe)]);
		await addPapers(rt, [paper("2611.00001", "One", moe), paper("2611.00002", "Two", moe)]);
		const entry = async () =>
			(await acronymDictionary(rt.deps, 10)).top.find((e) => e.short === "MoE" && e.long === "mixture of experts");
		expect((await entry())?.papers).toBe(2);
		await addPapers(rt, [paper("2611.00002", "Two", "Sparse layers route tokens.")]);
		expect((await entry())?.papers).toBe(1);
		await addPapers(rt, [paper("2611.00001", "One", "Dense layers.")]);
		expect(await entry()).toBeUndefined();
		expect((await acronymDictionary(rt.deps, 10)).entries).toBe(0);
	});
});

describe("papers stored before the lookups existed", () => {
	it("get their author and acronym lookups when the derived data is refreshed", async () => {
		const rt = await fresh();
		await addPapers(rt, [paper("2611.00001", "One", `Gated ${moe}`, { authors: ["Albert Gu"] })]);
		// As migration 0020 leaves rows written before it.
		await sql`update papers set author_keys = '[]', acronyms = '[]', derived_version = 0`.execute(rt.deps.db);
		await sql`delete from acronyms`.execute(rt.deps.db);
		expect(await ids(rt, "author:Gu")).toEqual([]);
		expect(await refreshAllDerivedData(rt.deps)).toBe(1);
		expect(await ids(rt, "author:Gu")).toEqual(["2611.00001"]);
		expect((await matchStoredPapers(rt.deps, ["mixture of experts"])).topics[0]?.alsoMatching).toEqual(["MoE"]);
		expect(await refreshAllDerivedData(rt.deps)).toBe(0);
	});
});
