/**
 * `npm run bench`: the 100,000-reader digest benchmark.
 *
 *   npm run bench -- [--readers 100000] [--papers 2000] [--seed 1] [--pool 5]
 *                    [--concurrency N] [--batch-size N] [--max-papers 20] [--skip-baselines]
 *                    [--profiles 0.2] [--profile] [--keep]
 *
 * Builds a synthetic database in a temp folder, starts an SMTP sink that accepts and
 * discards in a child process on 127.0.0.1, runs the real digest job (runDigest with a
 * real Node runtime and nodemailer pool) in another child process, then measures
 * matching and rendering for every reader with the real code and the naive ways on
 * samples. Prints a table and, as the last line, one JSON object; writes the same JSON
 * to bench/results/. Progress goes to stderr. Cleans up its temp files and children.
 */
import { type ChildProcess, execFileSync, fork } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { parseConfig } from "../src/core/config.ts";
import { countDeliveriesByStatus } from "../src/core/db/deliveries.ts";
import { periodFor } from "../src/core/digest/period.ts";
import { createNodeRuntime } from "../src/node/runtime.ts";
import { generateDatabase } from "./generate.ts";
import type { JobReport, JobRequest } from "./job.ts";
import { runPasses } from "./run-passes.ts";
import { serverNodeFlags } from "./server-node-flags.ts";
import type { SinkReply, SinkRequest, SinkStats } from "./smtp-sink.ts";

const { values: flags } = parseArgs({
	options: {
		readers: { type: "string", default: "100000" },
		papers: { type: "string", default: "2000" },
		seed: { type: "string", default: "1" },
		pool: { type: "string" },
		concurrency: { type: "string" },
		"batch-size": { type: "string" },
		"max-papers": { type: "string" },
		"field-mix": { type: "string", default: "0.1" },
		// The share of readers holding a profile of 10 liked and 3 disliked papers (issue 13).
		profiles: { type: "string", default: "0.2" },
		"skip-baselines": { type: "boolean", default: false },
		profile: { type: "boolean", default: false },
		keep: { type: "boolean", default: false },
		out: { type: "string" },
	},
});

const int = (name: string, value: string | undefined): number | undefined => {
	if (value === undefined) return undefined;
	const n = Number(value.replaceAll("_", ""));
	if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number`);
	return n;
};
const readers = int("readers", flags.readers) ?? 100_000;
const paperCount = int("papers", flags.papers) ?? 2000;
const seed = int("seed", flags.seed) ?? 1;
// The share of readers given each of an author, a category and an acronym topic (issue 12).
const fieldMix = Number(flags["field-mix"]);
if (!(fieldMix >= 0 && fieldMix <= 1)) throw new Error("--field-mix must be a share between 0 and 1");
const profileShare = Number(flags.profiles);
if (!(profileShare >= 0 && profileShare <= 1)) throw new Error("--profiles must be a share between 0 and 1");
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const resultsDir = flags.out ?? here("./results");
const progress = (line: string) => process.stderr.write(`${line}\n`);
const profileDir = join(tmpdir(), "paperboy-bench-profiles");
const fmt = (n: number, digits = 0) =>
	n.toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: digits });

// Everything the run starts, so that any exit cleans it up.
const children = new Set<ChildProcess>();
const dir = mkdtempSync(join(tmpdir(), "paperboy-bench-"));
function cleanup() {
	for (const child of children) child.kill("SIGKILL");
	if (!flags.keep) rmSync(dir, { recursive: true, force: true });
}
process.on("exit", cleanup);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));
// A stuck run must not hold the shared machine: stop after 20 minutes whatever happens.
setTimeout(() => {
	progress("bench: giving up after 20 minutes");
	process.exit(2);
}, 20 * 60_000).unref();

function start(path: string, execArgv: string[] = []): ChildProcess {
	const child = fork(here(path), [], { execArgv: [...process.execArgv, ...execArgv], stdio: "inherit" });
	children.add(child);
	child.on("exit", () => children.delete(child));
	return child;
}

function nextMessage<T>(child: ChildProcess, what: string): Promise<T> {
	return new Promise((resolve, reject) => {
		const onExit = (code: number | null) => reject(new Error(`${what} exited (${code}) before answering`));
		child.once("exit", onExit);
		child.once("message", (message) => {
			child.off("exit", onExit);
			resolve(message as T);
		});
	});
}

async function startSink() {
	const child = start("./smtp-sink.ts");
	const ready = await nextMessage<SinkReply>(child, "the SMTP sink");
	if (ready.type !== "ready") throw new Error("the SMTP sink did not start");
	return {
		port: ready.port,
		async stats(): Promise<SinkStats> {
			const answer = nextMessage<SinkReply>(child, "the SMTP sink");
			child.send({ type: "stats" } satisfies SinkRequest);
			const reply = await answer;
			if (reply.type !== "stats") throw new Error("unexpected answer from the SMTP sink");
			return reply;
		},
		close() {
			child.send({ type: "close" } satisfies SinkRequest);
		},
	};
}

async function main() {
	const sink = await startSink();
	const env: Record<string, string> = {
		DATABASE_PATH: join(dir, "paperboy.db"),
		SECRET: "bench-secret-0123456789abcdef0123456789abcdef",
		BASE_URL: "https://paperboy.example",
		MAIL_FROM: "paperboy <digest@paperboy.example>",
		SMTP_URL: `smtp://127.0.0.1:${sink.port}?tls=off`,
		INGEST_SOURCES: "none",
		LOG_LEVEL: "warn",
		...(flags.pool ? { SMTP_POOL_SIZE: flags.pool } : {}),
		// Fewer papers a digest make smaller messages (the default is 20).
		...(flags["max-papers"] ? { DIGEST_MAX_PAPERS: flags["max-papers"] } : {}),
	};
	const config = parseConfig(env);

	// 1. Data.
	const now = new Date();
	let t = performance.now();
	const setup = createNodeRuntime(config);
	await generateDatabase(setup.deps, { readers, papers: paperCount, seed, now, fieldMix, profileShare, progress });
	await setup.close();
	const generateS = (performance.now() - t) / 1000;
	progress(`bench: generated ${fmt(paperCount)} papers and ${fmt(readers)} readers in ${generateS.toFixed(1)} s`);

	// 2. The real job, in its own process.
	const sinkBefore = await sink.stats();
	const job = start("./job.ts", [
		...serverNodeFlags(),
		...(flags.profile ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []),
	]);
	if (flags.profile) progress(`bench: the job's CPU profile goes to ${profileDir}`);
	const report = nextMessage<JobReport>(job, "the digest job");
	const request: JobRequest = {
		env,
		expected: readers,
		...(flags.concurrency ? { concurrency: Number(flags.concurrency) } : {}),
		...(flags["batch-size"] ? { batchSize: Number(flags["batch-size"]) } : {}),
	};
	job.send(request);
	const run = await report;
	await new Promise((resolve) => (job.exitCode === null ? job.once("exit", resolve) : resolve(undefined)));
	const sinkAfter = await sink.stats();
	const received = sinkAfter.messages - sinkBefore.messages;
	const receivedBytes = sinkAfter.bytes - sinkBefore.bytes;
	const sinkCpuMs = sinkAfter.cpuMs - sinkBefore.cpuMs;

	// 3. The outbox says what the job says, and the sink got every message once.
	const check = createNodeRuntime(config);
	const period = periodFor("weekly", now, config.timeZone);
	const counts = await countDeliveriesByStatus(check.deps.db, [period]);
	const problems: string[] = [];
	if (run.planned !== readers) problems.push(`planned ${run.planned}, expected ${readers}`);
	if (counts.sent !== run.sent || received !== run.sent)
		problems.push(`sent ${run.sent}, outbox says ${counts.sent}, sink received ${received}`);
	if (counts.sent + counts.skipped !== readers) problems.push(`not every reader finished: ${JSON.stringify(counts)}`);

	// 4. Matching and rendering for every reader, and the naive ways on samples, in a
	// process of their own with the server's flags (not this one, which generated the data).
	await check.close();
	t = performance.now();
	const { baselines, ...mr } = await runPasses(
		{
			checkout: here(".."),
			env,
			now: now.toISOString(),
			...(flags["skip-baselines"] ? {} : { baselines: { samples: 1000, sinkPort: sink.port, papers: paperCount } }),
		},
		here(".."),
	);
	progress(`bench: matched and rendered ${fmt(readers)} readers in ${((performance.now() - t) / 1000).toFixed(1)} s`);
	sink.close();

	const cpuMs = run.cpuUserMs + run.cpuSystemMs;
	const digestsSent = Math.max(1, run.sent);
	const result = {
		readers,
		papers: paperCount,
		match_s: round(mr.matchS, 3),
		match_and_recommend_s: round(mr.matchRecommendS, 3),
		render_us_per_digest: round(mr.renderUsPerDigest, 1),
		send_per_s: round(run.sent / run.runS, 0),
		sender_cpu_ms_per_digest: round(cpuMs / digestsSent, 3),
		end_to_end_s: round(run.runS, 1),
		peak_rss_mb: round(run.peakRssMb, 0),
		match_vs_per_reader_query: baselines ? round(baselines.query.extrapolatedS / mr.matchS, 1) : null,
		match_vs_per_reader_loop: baselines ? round(baselines.loop.extrapolatedS / mr.matchS, 1) : null,
		render_vs_mjml2html: baselines ? round((baselines.mjml.msPerDigest * 1000) / mr.renderUsPerDigest, 0) : null,
		send_vs_naive_nodemailer: baselines
			? round(baselines.send.naive.cpuMsPerMessage / baselines.send.ours.cpuMsPerMessage, 2)
			: null,
		send_rate_vs_naive_nodemailer: baselines
			? round(baselines.send.ours.perSecond / baselines.send.naive.perSecond, 2)
			: null,
		details: {
			digests_sent: run.sent,
			skipped: run.skipped,
			failed: run.failed,
			retrying: run.retrying,
			avg_papers_per_digest: round(mr.avgPapers, 1),
			avg_message_kb: round(receivedBytes / Math.max(1, received) / 1024, 1),
			fts_queries: mr.ftsQueries,
			profile_share: profileShare,
			match_warm_up_s: round(mr.matchColdS, 3),
			match_cpu_s: round(mr.matchCpuS, 3),
			match_and_recommend_cpu_s: round(mr.matchRecommendCpuS, 3),
			readers_recommended: mr.recommended.readers,
			papers_recommended: mr.recommended.papers,
			recommend_searches: mr.recommendWork.searches,
			recommend_postings_per_search: round(mr.recommendWork.postings / Math.max(1, mr.recommendWork.searches), 0),
			recommend_terms_over_budget: mr.recommendWork.skippedTerms,
			job_cpu_s: round(cpuMs / 1000, 1),
			job_cpu_system_s: round(run.cpuSystemMs / 1000, 1),
			sink_cpu_ms_per_digest: round(sinkCpuMs / digestsSent, 3),
			generate_s: round(generateS, 1),
			per_reader_query: baselines
				? {
						sample: baselines.query.sample,
						ms_per_reader: round(baselines.query.msPerReader, 3),
						extrapolated_s: round(baselines.query.extrapolatedS, 1),
					}
				: null,
			per_reader_loop: baselines
				? {
						sample: baselines.loop.sample,
						ms_per_reader: round(baselines.loop.msPerReader, 3),
						extrapolated_s: round(baselines.loop.extrapolatedS, 1),
					}
				: null,
			mjml2html: baselines
				? { sample: baselines.mjml.sample, ms_per_digest: round(baselines.mjml.msPerDigest, 2) }
				: null,
			mailer_ours: baselines ? rounded(baselines.send.ours) : null,
			mailer_naive_nodemailer: baselines ? rounded(baselines.send.naive) : null,
			pool_size: config.mail.poolSize,
			max_papers: config.digest.maxPapers,
			concurrency: request.concurrency ?? config.mail.poolSize,
			batch_size: request.batchSize ?? null,
			seed,
			field_mix: fieldMix,
			problems,
		},
		date: new Date().toISOString(),
		machine: {
			cores: cpus().length,
			cpu: cpus()[0]?.model ?? "",
			memory_gb: round(totalmem() / 2 ** 30, 1),
			node: process.version,
			platform: `${process.platform}-${process.arch}`,
		},
		commit: gitCommit(),
	};

	const d = result.details;
	const x = (ratio: number | null) => (ratio === null ? "" : `${fmt(ratio, ratio < 10 ? 1 : 0)}x faster here`);
	printTable([
		["readers x papers", `${fmt(readers)} x ${fmt(paperCount)}`, ""],
		["digests sent (skipped)", `${fmt(run.sent)} (${fmt(run.skipped)}), avg ${d.avg_message_kb} KB`, ""],
		[
			"match, all readers (before)",
			`${result.match_s.toFixed(2)} s (CPU ${d.match_cpu_s} s), ${fmt(d.fts_queries)} distinct topic lookups`,
			"",
		],
		[
			"match + recommend (after)",
			`${result.match_and_recommend_s.toFixed(2)} s (CPU ${d.match_and_recommend_cpu_s} s), ${fmt(d.readers_recommended)} readers got recommendations`,
			`<= 3 s; ${(result.match_and_recommend_s / result.match_s).toFixed(2)}x before`,
		],
		["render per digest", `${result.render_us_per_digest.toFixed(1)} us`, "<= 50 us"],
		["send rate (job)", `${fmt(result.send_per_s)} /s`, ""],
		[
			"job CPU per digest",
			`${result.sender_cpu_ms_per_digest.toFixed(3)} ms (sink ${d.sink_cpu_ms_per_digest} ms)`,
			"<= 1.0 ms",
		],
		["end to end", `${result.end_to_end_s.toFixed(1)} s`, "<= 150 s"],
		["peak RSS (job)", `${fmt(result.peak_rss_mb)} MB`, "<= 300 MB"],
		...(baselines
			? ([
					[
						"naive: FTS5 query per reader",
						`${fmt(baselines.query.extrapolatedS, 1)} s (from ${baselines.query.sample})`,
						x(result.match_vs_per_reader_query),
					],
					[
						"naive: loop over papers",
						`${fmt(baselines.loop.extrapolatedS, 1)} s (from ${baselines.loop.sample})`,
						x(result.match_vs_per_reader_loop),
					],
					["naive: mjml2html", `${fmt(baselines.mjml.msPerDigest, 2)} ms/digest`, x(result.render_vs_mjml2html)],
					[
						"naive: nodemailer defaults",
						`${baselines.send.naive.cpuMsPerMessage.toFixed(3)} ms CPU/msg, ${fmt(baselines.send.naive.perSecond)}/s`,
						x(result.send_vs_naive_nodemailer),
					],
					[
						"real mailer, same msgs",
						`${baselines.send.ours.cpuMsPerMessage.toFixed(3)} ms CPU/msg, ${fmt(baselines.send.ours.perSecond)}/s`,
						"",
					],
				] as const)
			: []),
	]);
	mkdirSync(resultsDir, { recursive: true });
	const file = join(
		resultsDir,
		`digest-${result.date.slice(0, 10)}-${readers}r-${config.digest.maxPapers}p-${result.machine.cores}cpu-node${process.versions.node}.json`,
	);
	writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
	progress(`bench: wrote ${file}`);
	if (problems.length) progress(`bench: PROBLEMS: ${problems.join("; ")}`);
	console.log(JSON.stringify(result));
	process.exitCode = problems.length ? 1 : 0;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
const rounded = (s: { messages: number; perSecond: number; cpuMsPerMessage: number }) => ({
	messages: s.messages,
	per_s: round(s.perSecond, 0),
	cpu_ms_per_message: round(s.cpuMsPerMessage, 3),
});

function gitCommit(): string {
	try {
		return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: here(".."), encoding: "utf8" }).trim();
	} catch {
		return "";
	}
}

/** A Markdown table: what the README's Performance section shows. */
function printTable(rows: readonly (readonly [string, string, string])[]) {
	const width = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]?.length ?? 0), 6));
	const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(width[i] ?? 6)).join(" | ")} |`;
	console.log(line(["measure", "this run", "target / ratio"]));
	console.log(`|${width.map((w) => "-".repeat(w + 2)).join("|")}|`);
	for (const row of rows) console.log(line(row));
}

main().catch((error: unknown) => {
	progress(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
	// The sink's channel would keep this process waiting: exit, which stops the children.
	process.exit(1);
});
