import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadCorpus } from "../../../bench/relevance/corpus.ts";
import { CandidateIndex, termScorer } from "../../../src/core/recommend/candidate-index.ts";
import { applyDocFreqChange, docFreqChange } from "../../../src/core/recommend/doc-freq.ts";
import { topTermsOf } from "../../../src/core/recommend/paper-terms.ts";
import { profileOf, profileQuery } from "../../../src/core/recommend/profile.ts";
import { pairsOf, type TermVector } from "../../../src/core/recommend/term-vector.ts";

const vector = (pairs: [string, number][]): TermVector => ({
	terms: pairs.map(([t]) => t),
	weights: pairs.map(([, w]) => w),
});
const candidates = [
	{ id: "a", vector: vector([["ssm", 1000]]) },
	{
		id: "b",
		vector: vector([
			["ssm", 600],
			["video", 800],
		]),
	},
	{ id: "c", vector: vector([["video", 1000]]) },
	{
		id: "d",
		vector: vector([
			["ssm", 800],
			["mamba", 600],
		]),
	},
];
const all = { limit: 10, minScore: 0 };

/** The plain dot product, for checking the index against. */
function dot(a: TermVector, b: TermVector): number {
	const weights = new Map(pairsOf(b));
	return pairsOf(a).reduce((sum, [term, w]) => sum + w * (weights.get(term) ?? 0), 0);
}

describe("searching the period's candidates", () => {
	const index = new CandidateIndex(candidates);

	it("scores by cosine similarity, best first, leaving out papers sharing nothing", () => {
		// query ssm 0.8, mamba 0.6: a 0.8, b 0.48, d 0.64 + 0.36 = 1
		const query = vector([
			["ssm", 800],
			["mamba", 600],
		]);
		expect(index.search(query, all)).toEqual([
			{ paperId: "d", score: 1 },
			{ paperId: "a", score: 0.8 },
			{ paperId: "b", score: 0.48 },
		]);
	});

	it("returns at most the limit, above the least score, never an excluded paper", () => {
		const query = vector([["ssm", 1000]]);
		expect(index.search(query, { limit: 2, minScore: 0 }).map((p) => p.paperId)).toEqual(["a", "d"]);
		expect(index.search(query, { limit: 10, minScore: 0.7 }).map((p) => p.paperId)).toEqual(["a", "d"]);
		expect(index.search(query, { limit: 2, minScore: 0, exclude: new Set(["a"]) }).map((p) => p.paperId)).toEqual([
			"d",
			"b",
		]);
	});

	it("breaks ties by the candidates' order", () => {
		const tied = new CandidateIndex([
			{ id: "later", vector: vector([["x", 1000]]) },
			{ id: "earlier", vector: vector([["x", 1000]]) },
		]);
		expect(tied.search(vector([["x", 1000]]), all).map((p) => p.paperId)).toEqual(["later", "earlier"]);
	});

	it("lets a disliked term push a paper down, and out when nothing else holds it up", () => {
		// ssm 0.6, video -0.8: a 0.6, d 0.48, b 0.36 - 0.64 < 0, c -0.8
		const query = vector([
			["video", -800],
			["ssm", 600],
		]);
		expect(index.search(query, all).map((p) => p.paperId)).toEqual(["a", "d"]);
	});

	it("visits only the postings of the query's terms, and within its budget the heaviest terms", () => {
		const counted = new CandidateIndex(candidates);
		counted.search(vector([["mamba", 1000]]), all);
		expect(counted.work).toEqual({ searches: 1, queryTerms: 1, postings: 1, skippedTerms: 0 });
		counted.search(vector([["unknown", 1000]]), all);
		expect(counted.work.postings).toBe(1);
		// ssm has three postings, video two: with a budget of 2 only video fits
		const found = counted.search(
			vector([
				["ssm", 800],
				["video", 600],
			]),
			{ ...all, budget: 2 },
		);
		expect(found.map((p) => p.paperId)).toEqual(["c", "b"]);
		expect(counted.work).toMatchObject({ searches: 3, postings: 3, skippedTerms: 1 });
	});

	it("counts a paper whose score passes through zero once, and starts the next search clean", () => {
		const index = new CandidateIndex([
			{
				id: "p",
				vector: vector([
					["ssm", 600],
					["video", 800],
					["mamba", 100],
				]),
			},
			{ id: "q", vector: vector([["ssm", 800]]) },
		]);
		// p: +600·500 (ssm), then −800·375 (video) brings it to exactly 0, then +100·100 (mamba).
		const through = vector([
			["ssm", 500],
			["video", -375],
			["mamba", 100],
		]);
		expect(index.search(through, all)).toEqual([
			{ paperId: "q", score: 0.4 },
			{ paperId: "p", score: 0.01 },
		]);
		expect(index.search(vector([["mamba", 1000]]), all)).toEqual([{ paperId: "p", score: 0.1 }]);
	});

	it("finds what scoring every candidate against the query finds", () => {
		const unrelated = Array.from({ length: 1000 }, (_, i) => ({ id: `u${i}`, vector: vector([["unrelated", 1000]]) }));
		const term = fc.constantFrom("ssm", "video", "mamba", "robot", "graph", "agent");
		const weighted = (min: number) =>
			fc.uniqueArray(fc.tuple(term, fc.integer({ min, max: 1000 })), { selector: ([t]) => t, maxLength: 6 });
		fc.assert(
			fc.property(
				fc.array(weighted(1), { minLength: 1, maxLength: 12 }),
				weighted(-1000),
				fc.integer({ min: 1, max: 5 }),
				(papers, query, limit) => {
					const list = papers.map((pairs, i) => ({ id: `p${i}`, vector: vector(pairs) }));
					const q = vector(query);
					const expected = list
						.map((p, i) => ({ i, paperId: p.id, score: dot(q, p.vector) / 1e6 }))
						.filter((p) => p.score > 0)
						.sort((x, y) => y.score - x.score || x.i - y.i)
						.slice(0, limit)
						.map(({ paperId, score }) => ({ paperId, score }));
					const index = new CandidateIndex(list);
					// The same papers among many that share nothing with the query, searched with a
					// budget the query's postings fit in: the search lists the candidates it touched
					// instead of reading every score back.
					const among = new CandidateIndex([...list, ...unrelated]);
					const few = { limit, minScore: 0, budget: 100 };
					// Twice on one index: a search leaves nothing behind for the next.
					for (const found of [
						index.search(q, { limit, minScore: 0 }),
						index.search(q, { limit, minScore: 0 }),
						among.search(q, few),
						among.search(q, few),
					]) {
						expect(found.map((p) => p.paperId)).toEqual(expected.map((p) => p.paperId));
						for (const [i, p] of found.entries()) expect(p.score).toBeCloseTo(expected[i]?.score ?? 0, 9);
					}
				},
			),
			{ numRuns: 300 },
		);
	});
});

describe("the reason for a recommendation", () => {
	it("names the liked paper closest to each recommended paper, null for one that shares nothing", () => {
		const index = new CandidateIndex([
			{
				id: "mostly-ssm",
				vector: vector([
					["ssm", 800],
					["video", 600],
				]),
			},
			{ id: "unrelated", vector: vector([["robot", 1000]]) },
		]);
		// mostly-ssm · video-paper = 600 * 1000; · ssm-paper = 800 * 800
		const liked = [
			{ id: "video-paper", vector: vector([["video", 1000]]) },
			{
				id: "ssm-paper",
				vector: vector([
					["ssm", 800],
					["state", 600],
				]),
			},
		];
		expect(index.closestLiked(["mostly-ssm", "unrelated", "not-a-candidate"], liked).map((p) => p?.id ?? null)).toEqual(
			["ssm-paper", null, null],
		);
		// the same answer from the liked papers' term numbers remembered from the first call
		expect(index.closestLiked(["mostly-ssm"], liked).map((p) => p?.id)).toEqual(["ssm-paper"]);
	});

	it("names, for any number of papers, the liked paper with the largest dot product, the first of equals", () => {
		const term = fc.constantFrom("ssm", "video", "mamba", "robot", "graph", "agent");
		const weighted = fc.uniqueArray(fc.tuple(term, fc.integer({ min: 1, max: 1000 })), {
			selector: ([t]) => t,
			maxLength: 4,
		});
		fc.assert(
			fc.property(
				fc.array(weighted, { minLength: 1, maxLength: 20 }),
				fc.array(weighted, { maxLength: 6 }),
				(papers, likedPairs) => {
					const list = papers.map((pairs, i) => ({ id: `p${i}`, vector: vector(pairs) }));
					const liked = likedPairs.map((pairs, i) => ({ id: `l${i}`, vector: vector(pairs) }));
					const expected = list.map((p) => {
						let best: string | null = null;
						let most = 0;
						for (const l of liked)
							if (dot(p.vector, l.vector) > most) {
								most = dot(p.vector, l.vector);
								best = l.id;
							}
						return best;
					});
					const index = new CandidateIndex(list);
					// All at once (more than are worked out side by side), then one by one.
					const ids = list.map((p) => p.id);
					expect(index.closestLiked(ids, liked).map((p) => p?.id ?? null)).toEqual(expected);
					expect(ids.map((id) => index.closestLiked([id], liked)[0]?.id ?? null)).toEqual(expected);
				},
			),
			{ numRuns: 200 },
		);
	});
});

describe("papers like the ones a reader liked, in the real corpus", () => {
	const corpus = loadCorpus();
	const docFreq = new Map<string, number>();
	const docCount = applyDocFreqChange(docFreq, 0, docFreqChange(corpus));
	const terms = new Map(corpus.map((p) => [p.id, topTermsOf(p, docFreq, docCount).terms]));
	const termsOf = (id: string) => terms.get(id) ?? { terms: [], weights: [] };
	const titleOf = (id: string) => corpus.find((p) => p.id === id)?.title ?? "";
	const index = termScorer.index(corpus.map((p) => ({ id: p.id, vector: termsOf(p.id) })));
	// "How to Train Your HiPPO" and "On the Parameterization and Initialization of Diagonal State Space Models"
	const liked = ["seed-c42e5f9377", "seed-8cfb95d530"];
	const options = { limit: 5, minScore: 0.05, exclude: new Set(liked) };

	it("leads with state space models for a reader who liked two of them, each close to one of theirs", () => {
		const query = termScorer.queryOf(liked.map(termsOf), []);
		const found = index.search(query, options);
		expect(titleOf(found[0]?.paperId ?? "")).toBe(
			"Robustifying State-space Models for Long Sequences via Approximate Diagonalization",
		);
		const reasons = index.closestLiked(
			found.map((p) => p.paperId),
			liked.map((id) => ({ id, vector: termsOf(id) })),
		);
		expect(reasons[0]?.id).toBe("seed-8cfb95d530");
		expect(reasons.every((r) => r !== null)).toBe(true);
	});

	it("pushes a recommended paper's neighbours down and out after a 👎 on it", () => {
		const likedOnly = index.search(profileQuery(profileOf(liked.map((id) => ({ vote: "like", terms: termsOf(id) })))), {
			...options,
			limit: 20,
		});
		const top = likedOnly[0]?.paperId ?? "";
		const withDislike = index.search(
			profileQuery(
				profileOf([
					...liked.map((id) => ({ vote: "like" as const, terms: termsOf(id) })),
					{ vote: "dislike", terms: termsOf(top) },
				]),
			),
			{ ...options, limit: 20, exclude: new Set([...liked, top]) },
		);
		// the paper that shares most with the disliked one falls out
		const nearest = likedOnly
			.slice(1)
			.map((p) => p.paperId)
			.sort((a, b) => dot(termsOf(b), termsOf(top)) - dot(termsOf(a), termsOf(top)))[0];
		const scoreIn = (list: typeof likedOnly, id: string | undefined) => list.find((p) => p.paperId === id)?.score ?? 0;
		expect(scoreIn(likedOnly, nearest)).toBeGreaterThan(0.05);
		expect(withDislike.map((p) => p.paperId)).not.toContain(nearest);
		expect(withDislike.length).toBeGreaterThan(0);
	});
});
