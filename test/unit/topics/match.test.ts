import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getPapersByNums, upsertPapers } from "../../../src/core/db/papers.ts";
import { derivePaperData } from "../../../src/core/papers/derived-data.ts";
import { TopicMatcher } from "../../../src/core/topics/match.ts";
import { parseKeywords } from "../../../src/core/topics/parse.ts";
import { paper } from "../../helpers/readers.ts";
import { createTestRuntime, type TestRuntime } from "../../helpers/runtime.ts";

let rt: TestRuntime;
beforeAll(async () => {
	rt = await createTestRuntime();
});
afterAll(() => rt.dispose());

const everything = () => new TopicMatcher(rt.deps.db, "2000-01-01T00:00:00.000Z", "2100-01-01T00:00:00.000Z");

async function titlesFor(keywords: string | string[], limit = 100) {
	const ranked = await everything().rank(parseKeywords(keywords), { limit });
	const papers = await getPapersByNums(
		rt.deps.db,
		ranked.map((r) => r.num),
	);
	const byNum = new Map(papers.map((p) => [p.num, p.title]));
	return ranked.map((r) => byNum.get(r.num));
}

describe("matching keywords against the seed papers", () => {
	it("matches exactly the five state space model papers for `state space models`", async () => {
		const titles = await titlesFor("state space models");
		expect(titles.sort()).toEqual([
			"Demystifying the Token Dynamics of Deep Selective State Space Models",
			"How to Train Your HiPPO: State Space Models with Generalized Orthogonal Basis Projections",
			"On the Parameterization and Initialization of Diagonal State Space Models",
			"Robustifying State-space Models for Long Sequences via Approximate Diagonalization",
			"Understanding the differences in Foundation Models: Attention, State Space Models, and Recurrent Neural Networks",
		]);
		expect(titles.join("\n")).not.toMatch(/PFGM|radiology/i);
	});

	it("treats hyphens and case alike and stems words", async () => {
		expect((await titlesFor("State-Space model")).length).toBe(5);
	});

	it("ranks papers matching more keywords first, then title matches", async () => {
		const ranked = await everything().rank(parseKeywords("state space models, HiPPO, retrieval"), { limit: 100 });
		expect(ranked[0]?.matched).toEqual(["state space models", "HiPPO"]);
		expect(ranked.filter((r) => r.matched.length === 2).length).toBeGreaterThanOrEqual(2);
		const titleFlags = ranked.filter((r) => r.matched.length === 1).map((r) => r.inTitle);
		expect(titleFlags).toContain(true);
		expect(titleFlags).toContain(false);
		expect(titleFlags).toEqual([...titleFlags].sort((a, b) => Number(b) - Number(a)));
	});

	it("excludes with -word, per keyword and across keywords", async () => {
		const all = await titlesFor("state space models");
		const withoutHippo = await titlesFor("state space models -hippo");
		expect(withoutHippo.length).toBeLessThan(all.length);
		expect(withoutHippo.join(" ")).not.toMatch(/HiPPO/);
		expect(await titlesFor(["state space models", "-hippo"])).toEqual(withoutHippo);
	});

	it("matches either side of OR", async () => {
		const either = await titlesFor("mamba OR monarch");
		expect(either.length).toBeGreaterThanOrEqual(
			(await titlesFor("mamba")).length + (await titlesFor("monarch")).length - 1,
		);
	});

	it("runs one FTS query pair per distinct topic however many readers share it", async () => {
		const matcher = everything();
		for (let reader = 0; reader < 50; reader++) {
			await matcher.rank(parseKeywords(["diffusion", "state space models", reader % 2 ? "retrieval" : "Retrieval"]), {
				limit: 20,
			});
		}
		expect(matcher.queries).toBe(3);
	});

	it("keeps each query to its window's rows, also when rows were not added in time order", async () => {
		// Rows numbered against time: the newest paper first, as an import might write them.
		const days = ["2030-01-20", "2030-01-10", "2030-01-01"];
		await upsertPapers(
			rt.deps.db,
			days.map((day, i) => {
				const p = paper(`2912.0000${i}`, `Kolmogorov networks ${day}`, "Kolmogorov networks again.");
				const at = `${day}T00:00:00.000Z`;
				return { ...p, ...derivePaperData(p), source: "test", addedAt: at, updatedAt: at };
			}),
		);
		const titles = async (from: string, to: string) => {
			const ranked = await new TopicMatcher(rt.deps.db, from, to).rank(parseKeywords("kolmogorov networks"), {
				limit: 10,
			});
			return (
				await getPapersByNums(
					rt.deps.db,
					ranked.map((r) => r.num),
				)
			)
				.map((p) => p.title)
				.sort();
		};
		expect(await titles("2030-01-05T00:00:00.000Z", "2030-01-15T00:00:00.000Z")).toEqual([
			"Kolmogorov networks 2030-01-10",
		]);
		expect(await titles("2030-01-01T00:00:00.000Z", "2030-01-21T00:00:00.000Z")).toHaveLength(3);
		expect(await titles("2030-01-21T00:00:00.000Z", "2030-02-01T00:00:00.000Z")).toEqual([]);
	});
});

describe("a reader ranked alone", () => {
	it("gets their papers without waiting for a timer (Node's setTimeout(0) waits a millisecond per new topic)", async () => {
		const realSetTimeout = globalThis.setTimeout;
		vi.useFakeTimers({ toFake: ["setTimeout"] });
		try {
			const ranked = everything().rank(parseKeywords("state space models"), { limit: 10 });
			const late = new Promise<"waited for a timer">((resolve) => realSetTimeout(resolve, 2000, "waited for a timer"));
			expect(await Promise.race([ranked.then((r) => r.length), late])).toBe(5);
		} finally {
			vi.useRealTimers();
		}
	});
});
