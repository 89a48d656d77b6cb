/**
 * Scores the recommender (src/core/recommend/) on the held-out cases of recommender.json
 * against the "most upvoted new papers" baseline, in one run:
 *
 *   npx tsx bench/relevance/recommend-eval.ts            the defaults: table + JSON
 *   npx tsx bench/relevance/recommend-eval.ts --sweep    each setting varied alone around the defaults
 *
 * The corpus (seeds and fixtures, corpus.ts) is ingested the way ingest will do it: its
 * document frequencies counted first, then each paper's top terms. Each case's reader
 * likes and dislikes its papers (the profile is the one its votes build, which the tests
 * show equals the one kept by increments); every other paper of the corpus is a candidate.
 * The ranking is what the digest would send with the same threshold, cut at 10 papers for
 * nDCG@10. Writes the result to bench/results/.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { createTermScorer, defaultMinScore } from "../../src/core/recommend/candidate-index.ts";
import { applyDocFreqChange, docFreqChange } from "../../src/core/recommend/doc-freq.ts";
import { defaultPaperTermOptions, type PaperTermOptions, topTermsOf } from "../../src/core/recommend/paper-terms.ts";
import { defaultProfileQueryOptions, type ProfileQueryOptions } from "../../src/core/recommend/profile.ts";
import { emptyVector, type TermVector } from "../../src/core/recommend/term-vector.ts";
import { loadCorpus } from "./corpus.ts";
import { evaluateRecommender, mostUpvotedBaseline, type RecommenderCase, type RecommenderReport } from "./score.ts";

export interface EvalSettings {
	paper: PaperTermOptions;
	query: ProfileQueryOptions;
	minScore: number;
}

export const defaultEvalSettings: EvalSettings = {
	paper: defaultPaperTermOptions,
	query: defaultProfileQueryOptions,
	minScore: defaultMinScore,
};

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const cases = JSON.parse(readFileSync(here("./recommender.json"), "utf8")) as RecommenderCase[];
const corpus = loadCorpus();

/**
 * The recommender's report and table for one group of settings, through the Scorer seam:
 * another scorer's vectors could be evaluated the same way.
 */
export async function evaluate(settings: EvalSettings): Promise<{ report: RecommenderReport; table: string }> {
	// Ingest: the corpus's document frequencies first, then each paper's top terms.
	const docFreq = new Map<string, number>();
	const docCount = applyDocFreqChange(docFreq, 0, docFreqChange(corpus));
	const vectors = new Map<string, TermVector>(
		corpus.map((paper) => [paper.id, topTermsOf(paper, docFreq, docCount, settings.paper).terms]),
	);
	const vectorOf = (id: string) => vectors.get(id) ?? emptyVector;
	const scorer = createTermScorer(settings.query);
	const index = scorer.index(corpus.map((paper) => ({ id: paper.id, vector: vectorOf(paper.id) })));
	const recommend = async (liked: readonly string[], disliked: readonly string[]) =>
		index
			.search(scorer.queryOf(liked.map(vectorOf), disliked.map(vectorOf)), {
				limit: 10,
				minScore: settings.minScore,
				exclude: new Set([...liked, ...disliked]),
			})
			.map((p) => p.paperId);
	return evaluateRecommender(cases, recommend, mostUpvotedBaseline(corpus));
}

type Variation = { name: string; settings: EvalSettings };

/** Each setting varied alone around the defaults. */
function variations(): Variation[] {
	const d = defaultEvalSettings;
	const paper = (name: string, change: Partial<PaperTermOptions>) => ({
		name,
		settings: { ...d, paper: { ...d.paper, ...change } },
	});
	const query = (name: string, change: Partial<ProfileQueryOptions>) => ({
		name,
		settings: { ...d, query: { ...d.query, ...change } },
	});
	return [
		{ name: "defaults", settings: d },
		...[10, 20, 40, 60, 1000].map((size) => paper(`paper terms K=${size}`, { size })),
		...[1, 2, 5].map((titleWeight) => paper(`title weight ${titleWeight}`, { titleWeight })),
		...[0.5, 1.2, 2, 100].map((saturation) => paper(`saturation k1=${saturation}`, { saturation })),
		...[20, 40, 100, 1000].map((size) => query(`query terms ${size}`, { size })),
		...[0, 10, 40].map((negativeSize) => query(`negative query terms ${negativeSize}`, { negativeSize })),
		...[0, 0.25, 1].map((dislikedWeight) => query(`dislike weight ${dislikedWeight}`, { dislikedWeight })),
		...[0, 0.05, 0.1].map((minScore) => ({ name: `min score ${minScore}`, settings: { ...d, minScore } })),
	];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	const fixed = (n: number) => n.toFixed(3);
	if (process.argv.includes("--sweep")) {
		console.log(`${"variation".padEnd(24)}  P@5    nDCG@10`);
		for (const { name, settings } of variations()) {
			const { report } = await evaluate(settings);
			console.log(
				`${name.padEnd(24)}  ${fixed(report.recommender.precisionAtK)}  ${fixed(report.recommender.ndcgAtK)}`,
			);
		}
	} else {
		const { report, table } = await evaluate(defaultEvalSettings);
		console.log(table);
		const result = {
			bench: "recommender relevance",
			settings: defaultEvalSettings,
			precision_at_5: report.recommender.precisionAtK,
			ndcg_at_10: report.recommender.ndcgAtK,
			baseline: { precision_at_5: report.baseline.precisionAtK, ndcg_at_10: report.baseline.ndcgAtK },
			report,
			date: new Date().toISOString(),
			machine: { cores: cpus().length, node: process.version },
		};
		mkdirSync(here("../results"), { recursive: true });
		writeFileSync(
			here(`../results/recommend-eval-${result.date.slice(0, 10)}.json`),
			`${JSON.stringify(result, null, 2)}\n`,
		);
		console.log(JSON.stringify({ ...result, report: undefined }));
	}
}
