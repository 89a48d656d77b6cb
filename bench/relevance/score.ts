/**
 * Scoring for the labelled relevance set (bench/relevance/README.md): precision and recall
 * of topic queries per kind (issue 12), and precision@k and nDCG@k of recommendations on
 * held-out papers against a "most upvoted new papers" baseline (issue 13). Runtime-free:
 * the caller passes a function that runs a query or a recommendation however it likes
 * (the CLI, the matcher in-process), so this file imports nothing.
 */

export const queryKinds = ["lexical", "acronym", "author", "category", "combined"] as const;
export type QueryKind = (typeof queryKinds)[number];

/** One labelled topic query (bench/relevance/queries.json). */
export interface LabelledQuery {
	kind: QueryKind;
	/** As a reader types it in the topic field. */
	query: string;
	/** Every paper the query must return: the list is complete, so anything else returned is wrong. */
	relevant: string[];
	/** Near-misses that must not be returned, reported by name when they are. */
	irrelevant: string[];
	/** Borderline papers: returning them or not is not scored. */
	unjudged?: string[];
	note: string;
}

/** One held-out recommender case (bench/relevance/recommender.json). */
export interface RecommenderCase {
	subject: string;
	note: string;
	/** The two papers the reader liked. */
	liked: string[];
	/** At most one paper from another subject the reader disliked. */
	disliked: string[];
	/** The rest of the subject's papers: they should come first. */
	relevant: string[];
}

export type RunQuery = (query: LabelledQuery) => Promise<readonly string[]>;
export type Recommend = (liked: readonly string[], disliked: readonly string[]) => Promise<readonly string[]>;

/** Ids in first-seen order, each once: a run that repeats a paper is not rewarded twice. */
const unique = (ids: Iterable<string>): string[] => [...new Set(ids)];

const countIn = (ids: readonly string[], set: ReadonlySet<string>) => ids.filter((id) => set.has(id)).length;

/**
 * Share of the returned papers that are relevant, leaving unjudged ones out. An answer
 * with nothing scored in it makes no wrong claim and has precision 1; recall shows the miss.
 */
export function precision(
	returned: readonly string[],
	relevant: readonly string[],
	unjudged: readonly string[] = [],
): number {
	const skip = new Set(unjudged);
	const scored = unique(returned).filter((id) => !skip.has(id));
	return scored.length ? countIn(scored, new Set(relevant)) / scored.length : 1;
}

/** Share of the relevant papers that were returned; 1 when nothing is relevant. */
export function recall(returned: readonly string[], relevant: readonly string[]): number {
	const wanted = unique(relevant);
	return wanted.length ? countIn(wanted, new Set(returned)) / wanted.length : 1;
}

/** Share of the first k ranked papers that are relevant (always out of k). */
export function precisionAtK(ranked: readonly string[], relevant: readonly string[], k: number): number {
	return countIn(unique(ranked).slice(0, k), new Set(relevant)) / k;
}

/** Normalised discounted cumulative gain of the first k, with gain 1 per relevant paper. */
export function ndcgAtK(ranked: readonly string[], relevant: readonly string[], k: number): number {
	const wanted = new Set(relevant);
	const discount = (rank: number) => 1 / Math.log2(rank + 2);
	const dcg = unique(ranked)
		.slice(0, k)
		.reduce((sum, id, rank) => sum + (wanted.has(id) ? discount(rank) : 0), 0);
	let ideal = 0;
	for (let rank = 0; rank < Math.min(k, wanted.size); rank++) ideal += discount(rank);
	return ideal ? dcg / ideal : 0;
}

export interface QueryScore {
	kind: QueryKind;
	query: string;
	precision: number;
	recall: number;
	returned: number;
	/** How many papers are labelled relevant, and how many of them were returned. */
	relevant: number;
	found: number;
	/** Relevant papers the run did not return. */
	missed: string[];
	/** Returned papers that are neither relevant nor unjudged. */
	wrong: string[];
	/** The labelled near-misses among `wrong`. */
	nearMisses: string[];
}

export interface KindScore {
	kind: QueryKind;
	queries: number;
	/** Mean over the kind's queries (each query counts the same). */
	precision: number;
	recall: number;
	/** Over the kind's pooled papers (large queries weigh more). */
	pooledPrecision: number;
	pooledRecall: number;
	nearMisses: number;
}

export interface QueryReport {
	kinds: KindScore[];
	queries: QueryScore[];
}

export function scoreQuery(query: LabelledQuery, returned: readonly string[]): QueryScore {
	const answer = unique(returned);
	const relevant = new Set(query.relevant);
	const unjudged = new Set(query.unjudged ?? []);
	const near = new Set(query.irrelevant);
	const wrong = answer.filter((id) => !relevant.has(id) && !unjudged.has(id));
	const given = new Set(answer);
	const missed = [...relevant].filter((id) => !given.has(id));
	return {
		kind: query.kind,
		query: query.query,
		precision: precision(answer, query.relevant, query.unjudged),
		recall: recall(answer, query.relevant),
		returned: answer.length,
		relevant: relevant.size,
		found: relevant.size - missed.length,
		missed,
		wrong,
		nearMisses: wrong.filter((id) => near.has(id)),
	};
}

const mean = (values: readonly number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);

function scoreKind(kind: QueryKind, scores: readonly QueryScore[]): KindScore {
	const found = scores.reduce((sum, s) => sum + s.found, 0);
	const wanted = scores.reduce((sum, s) => sum + s.relevant, 0);
	const wrong = scores.reduce((sum, s) => sum + s.wrong.length, 0);
	return {
		kind,
		queries: scores.length,
		precision: mean(scores.map((s) => s.precision)),
		recall: mean(scores.map((s) => s.recall)),
		pooledPrecision: found + wrong ? found / (found + wrong) : 1,
		pooledRecall: wanted ? found / wanted : 1,
		nearMisses: scores.reduce((sum, s) => sum + s.nearMisses.length, 0),
	};
}

const fixed = (value: number) => value.toFixed(3);
const signed = (value: number) => `${value >= 0 ? "+" : ""}${fixed(value)}`;

/**
 * Runs every query (one at a time, in file order) and scores it. Returns the report and a
 * table with one row per kind, followed by each query that lost precision or recall.
 */
export async function evaluateQueries(
	queries: readonly LabelledQuery[],
	run: RunQuery,
): Promise<{ report: QueryReport; table: string }> {
	const scores: QueryScore[] = [];
	for (const query of queries) scores.push(scoreQuery(query, await run(query)));
	const kinds = queryKinds
		.map((kind) =>
			scoreKind(
				kind,
				scores.filter((s) => s.kind === kind),
			),
		)
		.filter((kind) => kind.queries > 0);
	const rows = kinds.map((k) =>
		[
			k.kind.padEnd(9),
			String(k.queries).padStart(7),
			fixed(k.precision).padStart(9),
			fixed(k.recall).padStart(6),
			fixed(k.pooledPrecision).padStart(8),
			fixed(k.pooledRecall).padStart(8),
			String(k.nearMisses).padStart(11),
		].join("  "),
	);
	const failures = scores
		.filter((s) => s.precision < 1 || s.recall < 1)
		.map((s) => {
			const parts = [`  ${s.kind.padEnd(9)}  ${s.query}  P=${fixed(s.precision)} R=${fixed(s.recall)}`];
			if (s.missed.length) parts.push(`    missed: ${s.missed.join(" ")}`);
			if (s.wrong.length) parts.push(`    wrong:  ${s.wrong.join(" ")}`);
			return parts.join("\n");
		});
	const table = [
		"kind       queries  precision  recall  pooled P  pooled R  near-misses",
		...rows,
		...(failures.length ? ["", "queries below 1.0:", ...failures] : []),
	].join("\n");
	return { report: { kinds, queries: scores }, table };
}

export interface CaseScore {
	subject: string;
	precisionAtK: number;
	ndcgAtK: number;
	/** The best precision@k this case allows (fewer held-out papers than k caps it). */
	bestPrecisionAtK: number;
	/** Liked or disliked papers the ranking handed back; they are dropped before scoring. */
	echoedInputs: number;
}

export interface RankerScore {
	precisionAtK: number;
	ndcgAtK: number;
	cases: CaseScore[];
}

export interface RecommenderReport {
	k: { precision: number; ndcg: number };
	recommender: RankerScore;
	baseline: RankerScore;
	/** Recommender minus baseline. */
	gain: { precisionAtK: number; ndcgAtK: number };
}

async function scoreRanker(
	cases: readonly RecommenderCase[],
	recommend: Recommend,
	k: RecommenderReport["k"],
): Promise<RankerScore> {
	const scores: CaseScore[] = [];
	for (const c of cases) {
		const inputs = new Set([...c.liked, ...c.disliked]);
		const ranked = unique(await recommend(c.liked, c.disliked));
		const kept = ranked.filter((id) => !inputs.has(id));
		scores.push({
			subject: c.subject,
			precisionAtK: precisionAtK(kept, c.relevant, k.precision),
			ndcgAtK: ndcgAtK(kept, c.relevant, k.ndcg),
			bestPrecisionAtK: Math.min(c.relevant.length, k.precision) / k.precision,
			echoedInputs: ranked.length - kept.length,
		});
	}
	return {
		precisionAtK: mean(scores.map((s) => s.precisionAtK)),
		ndcgAtK: mean(scores.map((s) => s.ndcgAtK)),
		cases: scores,
	};
}

/**
 * Scores a recommender and a baseline on the same held-out cases (one case at a time):
 * precision@5 and nDCG@10 by default, each the mean over cases. Returns the report and a
 * table with one row per case and the means with the gain last.
 */
export async function evaluateRecommender(
	cases: readonly RecommenderCase[],
	recommend: Recommend,
	baseline: Recommend,
	k: RecommenderReport["k"] = { precision: 5, ndcg: 10 },
): Promise<{ report: RecommenderReport; table: string }> {
	const recommender = await scoreRanker(cases, recommend, k);
	const base = await scoreRanker(cases, baseline, k);
	const report: RecommenderReport = {
		k,
		recommender,
		baseline: base,
		gain: {
			precisionAtK: recommender.precisionAtK - base.precisionAtK,
			ndcgAtK: recommender.ndcgAtK - base.ndcgAtK,
		},
	};
	const p = `P@${k.precision}`;
	const n = `nDCG@${k.ndcg}`;
	const width = Math.max(7, ...cases.map((c) => c.subject.length));
	const row = (name: string, cells: number[]) =>
		[name.padEnd(width), ...cells.map((cell) => fixed(cell).padStart(12))].join("  ");
	const table = [
		[
			"subject".padEnd(width),
			...[`${p} rec`, `${p} base`, `${p} best`, `${n} rec`, `${n} base`].map((h) => h.padStart(12)),
		].join("  "),
		...recommender.cases.map((c, i) =>
			row(c.subject, [
				c.precisionAtK,
				base.cases[i]?.precisionAtK ?? 0,
				c.bestPrecisionAtK,
				c.ndcgAtK,
				base.cases[i]?.ndcgAtK ?? 0,
			]),
		),
		row("mean", [
			recommender.precisionAtK,
			base.precisionAtK,
			mean(recommender.cases.map((c) => c.bestPrecisionAtK)),
			recommender.ndcgAtK,
			base.ndcgAtK,
		]),
		`gain over the baseline: ${p} ${signed(report.gain.precisionAtK)}, ${n} ${signed(report.gain.ndcgAtK)}`,
	].join("\n");
	return { report, table };
}

export interface RankablePaper {
	id: string;
	upvotes: number;
	publishedAt: string | null;
}

/**
 * The baseline of issue 13: every paper but the reader's own, most upvoted first, then
 * the most recently published, then by id, whatever the reader liked. Seed papers and
 * papers only the arXiv feeds gave have 0 upvotes.
 */
export function mostUpvotedBaseline(papers: readonly RankablePaper[]): Recommend {
	const ranked = [...papers]
		.sort(
			(a, b) =>
				b.upvotes - a.upvotes ||
				(b.publishedAt ?? "").localeCompare(a.publishedAt ?? "") ||
				(a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
		)
		.map((p) => p.id);
	return async (liked, disliked) => {
		const inputs = new Set([...liked, ...disliked]);
		return ranked.filter((id) => !inputs.has(id));
	};
}
