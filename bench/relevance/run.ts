/**
 * `npm run bench:relevance`: the labelled topic queries (queries.json) against the real
 * matcher. A database in a temp folder gets the seed papers and every fixture payload
 * through the real ingest (the acronym dictionary is learned there, as in production);
 * each query then runs through `matchStoredPapers`, the function behind `paperboy
 * match` (the matcher a digest uses, over every stored paper). Where the checkout has
 * the recommender (issue 13), its held-out cases (recommender.json) go through
 * `similarPapers` (behind `paperboy similar`) on the top terms ingest stored, against the
 * most upvoted papers. Prints precision and
 * recall per kind, the queries below 1.0, the acronym dictionary, and the JSON last.
 *
 * With `--before DIR` (a checkout from before issue 12, whose `node_modules` may be a
 * symlink to this one's), the same queries also run through that checkout's ingest and
 * matcher, in the same run: there topics were words only, so `author:`/`cat:` read as
 * words and acronyms matched only where spelled out.
 *
 *   npm run bench:relevance [-- --before DIR] [--out DIR]
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import type { Deps } from "../../src/core/deps.ts";
import type { SourceName } from "../../src/core/papers/sources/registry.ts";
import { loadCorpus } from "./corpus.ts";
import {
	evaluateQueries,
	evaluateRecommender,
	type KindScore,
	type LabelledQuery,
	mostUpvotedBaseline,
	queryKinds,
	type RecommenderCase,
	type RecommenderReport,
} from "./score.ts";

const { values: flags } = parseArgs({ options: { out: { type: "string" }, before: { type: "string" } } });
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const thisCheckout = here("../..");
const fixtures: [SourceName, string][] = [
	["hf", "hf-daily-papers"],
	["arxiv", "arxiv-api"],
	["rss", "arxiv-rss"],
];
const beginning = "0000-01-01T00:00:00.000Z";

/** A module of a checkout (this one or `--before`'s), imported from its own sources. */
const load = (root: string, path: string) => import(pathToFileURL(join(root, path)).href);

/** The seed papers and every recorded fixture (this checkout's files: the same input for both), through `root`'s ingest. */
async function ingestCorpus(root: string, deps: Deps): Promise<void> {
	const [{ isAppError }, { ingest }, { seedPapersIfEmpty }, { readSeedPapers }] = await Promise.all([
		load(root, "src/core/errors.ts"),
		load(root, "src/core/papers/ingest.ts"),
		load(root, "src/core/papers/store.ts"),
		load(root, "src/node/seed.ts"),
	]);
	await seedPapersIfEmpty(deps, readSeedPapers(here("../../seeds/papers.json")));
	for (const [source, folder] of fixtures) {
		for (const file of readdirSync(here(`../../test/fixtures/${folder}`)).sort()) {
			const text = readFileSync(here(`../../test/fixtures/${folder}/${file}`), "utf8");
			try {
				await ingest(deps, { source, payload: { text, origin: file } });
			} catch (error) {
				// The recorded arXiv error answer holds no papers: ingest rejects it, as it should.
				if (!isAppError(error) || (error as { code: string }).code !== "invalid_input") throw error;
			}
		}
	}
}

/**
 * The ids a topic matches over every stored paper, ranked: `matchStoredPapers` where the
 * checkout has it, else (before issue 12) the digest's matcher over every stored paper.
 */
async function matcherOf(root: string, deps: Deps): Promise<(query: string) => Promise<string[]>> {
	if (existsSync(join(root, "src/core/topics/match-papers.ts"))) {
		const { matchStoredPapers } = await load(root, "src/core/topics/match-papers.ts");
		return async (query) =>
			(await matchStoredPapers(deps, [query])).papers.map((p: { paper: { id: string } }) => p.paper.id);
	}
	const [{ TopicMatcher }, { parseKeywords }, { getPapersByNums }] = await Promise.all([
		load(root, "src/core/topics/match.ts"),
		load(root, "src/core/topics/parse.ts"),
		load(root, "src/core/db/papers.ts"),
	]);
	return async (query) => {
		const to = new Date(deps.clock.now().getTime() + 1).toISOString();
		const ranked = await new TopicMatcher(deps.db, beginning, to).rank(parseKeywords([query]), {
			limit: Number.MAX_SAFE_INTEGER,
		});
		const ids = new Map(
			(
				await getPapersByNums(
					deps.db,
					ranked.map((r: { num: number }) => r.num),
				)
			).map((p: { num: number; id: string }) => [p.num, p.id]),
		);
		return ranked.flatMap((r: { num: number }) => ids.get(r.num) ?? []);
	};
}

interface CheckoutRun {
	kinds: KindScore[];
	table: string;
	queries: Awaited<ReturnType<typeof evaluateQueries>>["report"]["queries"];
	acronyms?: { entries: number; top: unknown[] };
	/** Issue 13's held-out cases through `similarPapers` (behind `paperboy similar`), where the checkout has it. */
	recommender?: { report: RecommenderReport; table: string };
}

/** Ingests the corpus with `root`'s code into a fresh database and scores every query there. */
async function runCheckout(root: string, queries: readonly LabelledQuery[]): Promise<CheckoutRun> {
	const dir = mkdtempSync(join(tmpdir(), "paperboy-relevance-"));
	const [{ parseConfig }, { createNodeRuntime }] = await Promise.all([
		load(root, "src/core/config.ts"),
		load(root, "src/node/runtime.ts"),
	]);
	const runtime = createNodeRuntime(
		parseConfig({
			DATABASE_PATH: join(dir, "paperboy.db"),
			SECRET: "relevance-bench-0123456789abcdef0123456789",
			LOG_LEVEL: "silent",
			INGEST_SOURCES: "none",
		}),
	);
	try {
		const deps: Deps = runtime.deps;
		await ingestCorpus(root, deps);
		const match = await matcherOf(root, deps);
		const { table, report } = await evaluateQueries(queries, (q) => match(q.query));
		let acronyms: CheckoutRun["acronyms"];
		if (existsSync(join(root, "src/core/topics/acronym-expansion.ts"))) {
			const { acronymDictionary } = await load(root, "src/core/topics/acronym-expansion.ts");
			acronyms = await acronymDictionary(deps, 15);
		}
		let recommender: CheckoutRun["recommender"];
		if (existsSync(join(root, "src/core/recommend/similar-papers.ts"))) {
			const { similarPapers } = await load(root, "src/core/recommend/similar-papers.ts");
			const cases = JSON.parse(readFileSync(here("./recommender.json"), "utf8")) as RecommenderCase[];
			recommender = await evaluateRecommender(
				cases,
				async (liked, disliked) =>
					(await similarPapers(deps, { liked, disliked, limit: 10 })).map((p: { paper: { id: string } }) => p.paper.id),
				mostUpvotedBaseline(loadCorpus()),
			);
		}
		return { kinds: report.kinds, table, queries: report.queries, acronyms, recommender };
	} finally {
		await runtime.close();
		rmSync(dir, { recursive: true, force: true });
	}
}

async function main() {
	const queries = JSON.parse(readFileSync(here("./queries.json"), "utf8")) as LabelledQuery[];
	const before = flags.before ? resolve(flags.before) : undefined;
	const beforeRun = before ? await runCheckout(before, queries) : undefined;
	const after = await runCheckout(thisCheckout, queries);
	if (beforeRun && before) console.log(`before (${gitCommit(before)}):\n${beforeRun.table}\n\nafter (this checkout):`);
	console.log(after.table);
	if (after.acronyms)
		console.log(
			`\nacronym dictionary: ${after.acronyms.entries} definitions learned from the papers; the most defined:\n${(
				after.acronyms.top as { short: string; long: string; papers: number }[]
			)
				.map((e) => `  ${e.short} = ${e.long} (${e.papers} papers)`)
				.join("\n")}`,
		);
	if (after.recommender)
		console.log(`\nrecommender (papers like the ones a reader liked), held-out cases:\n${after.recommender.table}`);
	const result = {
		kinds: after.kinds,
		targets_met: targetsMet(after.kinds),
		acronyms: after.acronyms,
		recommender: after.recommender && {
			precision_at_5: after.recommender.report.recommender.precisionAtK,
			ndcg_at_10: after.recommender.report.recommender.ndcgAtK,
			baseline_most_upvoted: {
				precision_at_5: after.recommender.report.baseline.precisionAtK,
				ndcg_at_10: after.recommender.report.baseline.ndcgAtK,
			},
			report: after.recommender.report,
		},
		queries: after.queries,
		...(beforeRun && before
			? {
					before: {
						commit: gitCommit(before),
						kinds: beforeRun.kinds,
						targets_met: targetsMet(beforeRun.kinds),
						queries: beforeRun.queries,
					},
				}
			: {}),
		date: new Date().toISOString(),
		machine: { cores: cpus().length, node: process.version },
		commit: gitCommit(thisCheckout),
	};
	const out = flags.out ?? here("../results");
	mkdirSync(out, { recursive: true });
	const file = join(out, `relevance-${result.date.slice(0, 10)}.json`);
	writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
	process.stderr.write(`bench:relevance: wrote ${file}\n`);
	console.log(JSON.stringify(result));
}

/** The checkout's commit, or "" when it is not a git checkout (an archive). */
function gitCommit(root: string): string {
	try {
		return execFileSync("git", ["rev-parse", "--short", "HEAD"], {
			cwd: root,
			encoding: "utf8",
			stdio: ["ignore", "pipe", "ignore"],
		}).trim();
	} catch {
		return "";
	}
}

/** Issue 12's targets: lexical, author and category P = R = 1; acronym P and R >= 0.95. */
function targetsMet(kinds: readonly { kind: string; precision: number; recall: number }[]): Record<string, boolean> {
	const met: Record<string, boolean> = {};
	for (const kind of queryKinds) {
		const score = kinds.find((k) => k.kind === kind);
		if (!score) continue;
		const floor = kind === "acronym" ? 0.95 : 1;
		met[kind] = score.precision >= floor && score.recall >= floor;
	}
	return met;
}

main().catch((error: unknown) => {
	process.stderr.write(`bench:relevance: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	process.exitCode = 1;
});
