import { describe, expect, it } from "vitest";
import {
	evaluateQueries,
	evaluateRecommender,
	type LabelledQuery,
	mostUpvotedBaseline,
	ndcgAtK,
	precision,
	precisionAtK,
	recall,
	scoreQuery,
} from "../../bench/relevance/score.ts";

// Expected values are worked out by hand in the comments next to them.

describe("precision and recall", () => {
	it("leave unjudged papers out of precision", () => {
		// scored: a b c (d is unjudged); relevant among them: a c -> 2/3
		expect(precision(["a", "b", "c", "d"], ["a", "c", "e"], ["d"])).toBeCloseTo(2 / 3, 10);
		// found a c of a c e -> 2/3
		expect(recall(["a", "b", "c", "d"], ["a", "c", "e"])).toBeCloseTo(2 / 3, 10);
	});

	it("count a repeated paper once", () => {
		// unique answer a b: one of two is relevant
		expect(precision(["a", "a", "b"], ["a"])).toBe(0.5);
		expect(recall(["a", "a"], ["a", "b"])).toBe(0.5);
	});

	it("give an empty answer precision 1 and recall 0, and a query with nothing relevant recall 1", () => {
		expect(precision([], ["a"])).toBe(1);
		expect(recall([], ["a"])).toBe(0);
		expect(precision(["u"], ["a"], ["u"])).toBe(1);
		expect(recall(["x"], [])).toBe(1);
		expect(precision(["x"], [])).toBe(0);
	});
});

describe("ranked metrics", () => {
	it("precision@k counts out of k, even past the end of the list", () => {
		// x a y b z: a and b relevant -> 2/5
		expect(precisionAtK(["x", "a", "y", "b", "z"], ["a", "b", "c"], 5)).toBe(0.4);
		// only one paper ranked, relevant: 1/5
		expect(precisionAtK(["a"], ["a", "b"], 5)).toBe(0.2);
		// duplicates do not fill the top: unique a b -> 1/2
		expect(precisionAtK(["a", "a", "b"], ["a"], 2)).toBe(0.5);
	});

	it("nDCG@k discounts by log2(rank + 1) and normalises by the ideal ranking", () => {
		// ranks 2 and 4 relevant: DCG = 1/log2(3) + 1/log2(5) = 0.630930 + 0.430677 = 1.061606
		// ideal for 3 relevant within k=4: 1 + 1/log2(3) + 1/log2(4) = 2.130930 -> 0.498190
		expect(ndcgAtK(["x", "a", "y", "b"], ["a", "b", "c"], 4)).toBeCloseTo(0.49819, 5);
		expect(ndcgAtK(["a", "b", "x"], ["a", "b"], 10)).toBe(1);
		// the relevant paper at rank 11 is past k=10
		const ranked = [...Array.from({ length: 10 }, (_, i) => `x${i}`), "a"];
		expect(ndcgAtK(ranked, ["a"], 10)).toBe(0);
		expect(ndcgAtK(["a"], [], 10)).toBe(0);
	});
});

const label = (kind: LabelledQuery["kind"], query: string, relevant: string[], irrelevant: string[] = []) => ({
	kind,
	query,
	relevant,
	irrelevant,
	note: "",
});

describe("scoring queries", () => {
	it("names what was missed, what was wrong and which wrong ones were labelled near-misses", () => {
		const score = scoreQuery({ ...label("acronym", "MoE", ["a", "b", "c"], ["n"]), unjudged: ["u"] }, [
			"a",
			"u",
			"n",
			"z",
		]);
		expect(score).toMatchObject({
			missed: ["b", "c"],
			wrong: ["n", "z"],
			nearMisses: ["n"],
			returned: 4,
			relevant: 3,
			found: 1,
		});
		// scored a n z: 1/3; found a of a b c: 1/3
		expect(score.precision).toBeCloseTo(1 / 3, 10);
		expect(score.recall).toBeCloseTo(1 / 3, 10);
	});

	it("averages per kind over queries and over pooled papers, and lists the queries below 1.0", async () => {
		const queries = [
			label("acronym", "PEFT", ["a", "b"]),
			label("acronym", "RL", ["c", "d", "e", "f"], ["x"]),
			label("lexical", "diffusion", ["g"]),
		];
		const answers: Record<string, string[]> = { PEFT: ["a"], RL: ["c", "d", "e", "f", "x"], diffusion: ["g"] };
		const asked: string[] = [];
		const { report, table } = await evaluateQueries(queries, async (q) => {
			asked.push(q.query);
			return answers[q.query] ?? [];
		});
		expect(asked).toEqual(["PEFT", "RL", "diffusion"]);
		// lexical before acronym: kinds follow the fixed order of queryKinds
		expect(report.kinds.map((k) => k.kind)).toEqual(["lexical", "acronym"]);
		const acronym = report.kinds[1];
		// PEFT P=1 R=1/2, RL P=4/5 R=1 -> mean P=0.9, mean R=0.75
		expect(acronym?.precision).toBeCloseTo(0.9, 10);
		expect(acronym?.recall).toBeCloseTo(0.75, 10);
		// pooled: found 1+4=5 of 2+4=6 relevant, 1 wrong -> P=5/6, R=5/6
		expect(acronym?.pooledPrecision).toBeCloseTo(5 / 6, 10);
		expect(acronym?.pooledRecall).toBeCloseTo(5 / 6, 10);
		expect(acronym?.nearMisses).toBe(1);
		expect(report.kinds[0]).toMatchObject({ queries: 1, precision: 1, recall: 1, nearMisses: 0 });
		expect(table).toContain("acronym          2      0.900   0.750     0.833     0.833            1");
		expect(table).toContain("PEFT  P=1.000 R=0.500\n    missed: b");
		expect(table).toContain("RL  P=0.800 R=1.000\n    wrong:  x");
		expect(table).not.toContain("diffusion  P=");
	});
});

describe("scoring recommendations", () => {
	const papers = [
		{ id: "old5", upvotes: 5, publishedAt: "2026-06-01T00:00:00.000Z" },
		{ id: "top", upvotes: 9, publishedAt: "2026-05-01T00:00:00.000Z" },
		{ id: "new5", upvotes: 5, publishedAt: "2026-06-09T00:00:00.000Z" },
		{ id: "seed-b", upvotes: 0, publishedAt: null },
		{ id: "seed-a", upvotes: 0, publishedAt: null },
		{ id: "liked", upvotes: 50, publishedAt: "2026-06-10T00:00:00.000Z" },
	];

	it("the baseline ranks by upvotes, then newest, then id, leaving the reader's papers out", async () => {
		const baseline = mostUpvotedBaseline(papers);
		expect(await baseline(["liked"], [])).toEqual(["top", "new5", "old5", "seed-a", "seed-b"]);
		expect(await baseline(["liked"], ["top"])).toEqual(["new5", "old5", "seed-a", "seed-b"]);
	});

	it("reports P@k and nDCG@k per case, the best P@k a case allows, and the gain over the baseline", async () => {
		const cases = [
			{ subject: "one", note: "", liked: ["liked", "l2"], disliked: ["d"], relevant: ["seed-a", "seed-b"] },
			{ subject: "two", note: "", liked: ["liked", "l2"], disliked: [], relevant: ["old5"] },
		];
		// the recommender hands back a liked and a disliked paper too: both are dropped before scoring
		const recommend = async (liked: readonly string[]) =>
			liked.includes("liked") ? ["liked", "d", "seed-a", "seed-b", "old5", "top"] : [];
		const { report, table } = await evaluateRecommender(cases, recommend, mostUpvotedBaseline(papers), {
			precision: 2,
			ndcg: 3,
		});
		const [one, two] = report.recommender.cases;
		// case one: kept seed-a seed-b old5 top; top 2 both relevant -> P@2 = 1, nDCG@3 = 1
		expect(one).toMatchObject({ precisionAtK: 1, ndcgAtK: 1, bestPrecisionAtK: 1 });
		// "d" is echoed only in case one, where it is disliked; "liked" in both
		expect(one?.echoedInputs).toBe(2);
		expect(two?.echoedInputs).toBe(1);
		// case two: kept d seed-a seed-b old5 top ("d" is not an input here); old5 at rank 4 -> P@2 = 0, nDCG@3 = 0
		expect(two).toMatchObject({ precisionAtK: 0, ndcgAtK: 0, bestPrecisionAtK: 0.5 });
		expect(report.recommender.precisionAtK).toBe(0.5);
		// baseline, case one (d disliked): top new5 old5 seed-a seed-b -> P@2 = 0;
		// nDCG@3: seed-a at rank 4 is past k=3 -> 0
		// baseline, case two: top new5 old5 ... -> P@2 = 0, nDCG@3 = (1/log2 4) / 1 = 0.5
		expect(report.baseline.cases.map((c) => [c.precisionAtK, c.ndcgAtK])).toEqual([
			[0, 0],
			[0, 0.5],
		]);
		expect(report.gain.precisionAtK).toBe(0.5);
		// recommender mean nDCG (1 + 0) / 2 = 0.5; baseline (0 + 0.5) / 2 = 0.25
		expect(report.gain.ndcgAtK).toBe(0.25);
		expect(table).toContain("gain over the baseline: P@2 +0.500, nDCG@3 +0.250");
	});
});
