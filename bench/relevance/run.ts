/**
 * `npm run bench:relevance`: the labelled topic queries (queries.json) against the real
 * matcher. A database in a temp folder gets the seed papers and every fixture payload
 * through the real ingest (the acronym dictionary is learned there, as in production);
 * each query then runs through `matchStoredPapers`, the function behind `paperboy
 * match` (the matcher a digest uses, over every stored paper). Prints precision and
 * recall per kind, the queries below 1.0, the acronym dictionary, and the JSON last.
 *
 *   npm run bench:relevance [-- --out DIR]
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { parseConfig } from "../../src/core/config.ts";
import { isAppError } from "../../src/core/errors.ts";
import { ingest } from "../../src/core/papers/ingest.ts";
import type { SourceName } from "../../src/core/papers/sources/registry.ts";
import { seedPapersIfEmpty } from "../../src/core/papers/store.ts";
import { acronymDictionary } from "../../src/core/topics/acronym-expansion.ts";
import { matchStoredPapers } from "../../src/core/topics/match-papers.ts";
import { createNodeRuntime } from "../../src/node/runtime.ts";
import { readSeedPapers } from "../../src/node/seed.ts";
import { evaluateQueries, type LabelledQuery, queryKinds } from "./score.ts";

const { values: flags } = parseArgs({ options: { out: { type: "string" } } });
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const fixtures: [SourceName, string][] = [
	["hf", "hf-daily-papers"],
	["arxiv", "arxiv-api"],
	["rss", "arxiv-rss"],
];

async function main() {
	const dir = mkdtempSync(join(tmpdir(), "paperboy-relevance-"));
	const runtime = createNodeRuntime(
		parseConfig({
			DATABASE_PATH: join(dir, "paperboy.db"),
			SECRET: "relevance-bench-0123456789abcdef0123456789",
			LOG_LEVEL: "silent",
			INGEST_SOURCES: "none",
		}),
	);
	try {
		const { deps } = runtime;
		await seedPapersIfEmpty(deps, readSeedPapers());
		for (const [source, folder] of fixtures) {
			for (const file of readdirSync(here(`../../test/fixtures/${folder}`)).sort()) {
				const text = readFileSync(here(`../../test/fixtures/${folder}/${file}`), "utf8");
				try {
					await ingest(deps, { source, payload: { text, origin: file } });
				} catch (error) {
					// The recorded arXiv error answer holds no papers: ingest rejects it, as it should.
					if (!isAppError(error) || error.code !== "invalid_input") throw error;
				}
			}
		}
		const queries = JSON.parse(readFileSync(here("./queries.json"), "utf8")) as LabelledQuery[];
		const { table, report } = await evaluateQueries(queries, async (q) => {
			const result = await matchStoredPapers(deps, [q.query]);
			return result.papers.map((p) => p.paper.id);
		});
		const dictionary = await acronymDictionary(deps, 15);
		console.log(table);
		console.log(
			`\nacronym dictionary: ${dictionary.entries} definitions learned from the papers; the most defined:\n${dictionary.top
				.map((e) => `  ${e.short} = ${e.long} (${e.papers} papers)`)
				.join("\n")}`,
		);
		const result = {
			kinds: report.kinds,
			targets_met: targetsMet(report.kinds),
			acronyms: { entries: dictionary.entries, top: dictionary.top },
			queries: report.queries,
			date: new Date().toISOString(),
			machine: { cores: cpus().length, node: process.version },
			commit: gitCommit(),
		};
		const out = flags.out ?? here("../results");
		mkdirSync(out, { recursive: true });
		const file = join(out, `relevance-${result.date.slice(0, 10)}.json`);
		writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
		process.stderr.write(`bench:relevance: wrote ${file}\n`);
		console.log(JSON.stringify(result));
	} finally {
		await runtime.close();
		rmSync(dir, { recursive: true, force: true });
	}
}

function gitCommit(): string {
	try {
		return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: here("."), encoding: "utf8" }).trim();
	} catch {
		return "";
	}
}

/** Issue 12's targets: lexical, author and category P = R = 1; acronym P and R >= 0.95. */
function targetsMet(kinds: { kind: string; precision: number; recall: number }[]): Record<string, boolean> {
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
