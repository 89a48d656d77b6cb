/**
 * `npm run bench:preview`: what `GET /preview` costs on a large database (issue 11), and
 * what the digest's matching costs there, for this checkout and, with `--before DIR`,
 * another one (a checkout before the preview work) in the same run.
 *
 *   npm run bench:preview -- [--before DIR] [--papers 60000] [--weeks 26] [--requests 40]
 *                            [--load-seconds 10] [--readers 10000] [--seed 1] [--out DIR]
 *
 * One database in a temp folder: `--papers` synthetic papers first seen over `--weeks`
 * weeks, stored in the order they came (row numbers follow time, as daily ingest makes
 * them). Each version gets a copy and its own server process (bench/preview-server.ts),
 * then:
 *   1. CPU per preview: `--requests` sequential 20-topic previews, each a different set
 *      of topics drawn Zipf-like from the ~500-topic vocabulary (the server's own CPU);
 *   2. `/healthz` while two clients loop previews for `--load-seconds` (the stall the
 *      review found), per-IP limit raised so every preview is computed;
 *   3. the digest's matching: `--readers` readers' keywords over the last week, a fresh
 *      composer, in the server's process.
 * This checkout is also run with its default per-IP limit under the same load. Prints a
 * table and the JSON last; writes it to bench/results/.
 */
import { type ChildProcess, execFileSync, fork } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { parseConfig } from "../src/core/config.ts";
import { createNodeRuntime } from "../src/node/runtime.ts";
import {
	generatePapers,
	generateReaderKeywords,
	rng,
	storeGeneratedPapers,
	topicVocabulary,
	zipf,
} from "./generate.ts";
import type { PreviewServerReply, PreviewServerRequest } from "./preview-server.ts";

const { values: flags } = parseArgs({
	options: {
		before: { type: "string" },
		papers: { type: "string", default: "60000" },
		weeks: { type: "string", default: "26" },
		requests: { type: "string", default: "40" },
		"load-seconds": { type: "string", default: "10" },
		readers: { type: "string", default: "10000" },
		seed: { type: "string", default: "1" },
		out: { type: "string" },
	},
});
const count = (name: keyof typeof flags) => {
	const n = Number(String(flags[name]).replaceAll("_", ""));
	if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number`);
	return n;
};
const paperCount = count("papers");
const weeks = count("weeks");
const requests = count("requests");
const loadSeconds = count("load-seconds");
const readerCount = count("readers");
const seed = count("seed");
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const progress = (line: string) => process.stderr.write(`${line}\n`);
const secret = "bench-secret-0123456789abcdef0123456789abcdef";

const dir = mkdtempSync(join(tmpdir(), "paperboy-bench-preview-"));
const children = new Set<ChildProcess>();
process.on("exit", () => {
	for (const child of children) child.kill("SIGKILL");
	rmSync(dir, { recursive: true, force: true });
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));
setTimeout(() => {
	progress("bench:preview: giving up after 20 minutes");
	process.exit(2);
}, 20 * 60_000).unref();

function reply<T extends PreviewServerReply["type"]>(child: ChildProcess, type: T) {
	return new Promise<Extract<PreviewServerReply, { type: T }>>((done, fail) => {
		const onExit = (code: number | null) => fail(new Error(`the server exited (${code})`));
		const onMessage = (message: PreviewServerReply) => {
			if (message.type !== type) return;
			child.off("message", onMessage);
			child.off("exit", onExit);
			done(message as Extract<PreviewServerReply, { type: T }>);
		};
		child.once("exit", onExit);
		child.on("message", onMessage);
	});
}

async function startServer(app: string, database: string, env: Record<string, string>) {
	const child = fork(here("./preview-server.ts"), [], { execArgv: process.execArgv, stdio: "inherit" });
	children.add(child);
	const ready = reply(child, "ready");
	child.send({
		type: "start",
		app,
		env: {
			DATABASE_PATH: database,
			SECRET: secret,
			BASE_URL: "https://paperboy.example",
			LOG_LEVEL: "error",
			INGEST_SOURCES: "none",
			...env,
		},
	} satisfies PreviewServerRequest);
	const { url } = await ready;
	const ask = async <T extends PreviewServerReply["type"]>(request: PreviewServerRequest, type: T) => {
		const answer = reply(child, type);
		child.send(request);
		return answer;
	};
	return {
		url,
		cpu: async () => (await ask({ type: "cpu" }, "cpu")).ms,
		match: (keywords: string[][], window: { from: string; to: string }) =>
			ask({ type: "match", keywords, window }, "matched"),
		async close() {
			child.send({ type: "close" } satisfies PreviewServerRequest);
			await new Promise((done) => child.once("exit", done));
			children.delete(child);
		},
	};
}

/** 20-topic keyword fields, each a different draw from the readers' vocabulary. */
function keywordSets(howMany: number, salt: number): string[] {
	const random = rng(seed * 7919 + salt);
	const topics = topicVocabulary(rng(seed ^ 0x5eed));
	const draw = zipf(topics.length, 1.0, random);
	return Array.from({ length: howMany }, () => {
		const chosen = new Set<string>();
		while (chosen.size < 20) chosen.add(topics[draw()] ?? "");
		return [...chosen].join(", ");
	});
}

const percentile = (values: number[], p: number) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

async function getPreview(url: string, keywords: string): Promise<number> {
	const res = await fetch(`${url}/preview?keywords=${encodeURIComponent(keywords)}`);
	await res.arrayBuffer();
	return res.status;
}

/** Two clients loop previews while a third asks /healthz every 100 ms. */
async function underLoad(url: string, sets: string[]) {
	const until = performance.now() + loadSeconds * 1000;
	const statuses: number[] = [];
	let next = 0;
	const client = async () => {
		while (performance.now() < until) statuses.push(await getPreview(url, sets[next++ % sets.length] ?? ""));
	};
	const health: number[] = [];
	const prober = async () => {
		while (performance.now() < until) {
			const t0 = performance.now();
			await (await fetch(`${url}/healthz`)).arrayBuffer();
			health.push(performance.now() - t0);
			await new Promise((done) => setTimeout(done, 100));
		}
	};
	await Promise.all([client(), client(), prober()]);
	return {
		previews_per_s: round(statuses.length / loadSeconds, 1),
		refused_429: statuses.filter((s) => s === 429).length,
		answered_200: statuses.filter((s) => s === 200).length,
		healthz_p50_ms: round(percentile(health, 50), 1),
		healthz_p90_ms: round(percentile(health, 90), 1),
		healthz_max_ms: round(Math.max(...health), 1),
	};
}

async function measure(name: string, app: string, base: string, plainKeywords: string[][], mixKeywords: string[][]) {
	const database = join(dir, `${name}.db`);
	copyFileSync(base, database);
	progress(`bench:preview: ${name} (${app})`);
	const server = await startServer(app, database, { RATE_LIMIT_PREVIEW_PER_IP_PER_MINUTE: "1000000" });
	const sets = keywordSets(requests + 2000, 1);
	const cpu0 = await server.cpu();
	const t0 = performance.now();
	const first = await getPreview(server.url, sets[0] ?? "");
	const firstMs = performance.now() - t0;
	const firstCpu = (await server.cpu()) - cpu0;
	const walls: number[] = [];
	const cpu1 = await server.cpu();
	for (const set of sets.slice(1, requests + 1)) {
		const t = performance.now();
		if ((await getPreview(server.url, set)) !== 200) throw new Error(`${name}: a preview failed`);
		walls.push(performance.now() - t);
	}
	const cpuPerPreview = ((await server.cpu()) - cpu1) / requests;
	const load = await underLoad(server.url, sets.slice(requests + 1));
	const now = Date.now();
	const window = { from: new Date(now - 7 * 86_400_000).toISOString(), to: new Date(now).toISOString() };
	const matched = await server.match(plainKeywords, window);
	const matchedMix = mixKeywords.length ? await server.match(mixKeywords, window) : undefined;
	await server.close();
	if (first !== 200) throw new Error(`${name}: the first preview failed (${first})`);
	return {
		app,
		first_preview_ms: round(firstMs, 1),
		first_preview_cpu_ms: round(firstCpu, 1),
		preview_cpu_ms: round(cpuPerPreview, 2),
		preview_p50_ms: round(percentile(walls, 50), 1),
		preview_p90_ms: round(percentile(walls, 90), 1),
		under_two_looping_clients: load,
		digest_match_s: round(matched.seconds, 3),
		digest_match_cpu_s: round(matched.cpuMs / 1000, 3),
		digest_match_papers: matched.papers,
		digest_match_field_mix_s: matchedMix ? round(matchedMix.seconds, 3) : null,
	};
}

async function main() {
	const base = join(dir, "base.db");
	const now = new Date();
	let t = performance.now();
	const setup = createNodeRuntime(
		parseConfig({ DATABASE_PATH: base, SECRET: secret, LOG_LEVEL: "warn", INGEST_SOURCES: "none" }),
	);
	await storeGeneratedPapers(setup.deps, generatePapers(paperCount, seed, now, weeks * 7 * 24));
	await setup.close();
	progress(
		`bench:preview: ${paperCount} papers over ${weeks} weeks in ${((performance.now() - t) / 1000).toFixed(1)} s`,
	);
	const split = (fields: string[]) => fields.map((f) => f.split(", "));
	const plain = split(generateReaderKeywords(readerCount, seed, 0));
	const mix = split(generateReaderKeywords(readerCount, seed, 0.1));

	t = performance.now();
	const before = flags.before ? await measure("before", resolve(flags.before), base, plain, []) : undefined;
	const after = await measure("after", resolve(here("..")), base, plain, mix);
	// The same load on this checkout with its default per-IP limit.
	const limitedDb = join(dir, "limited.db");
	copyFileSync(base, limitedDb);
	const limited = await startServer(resolve(here("..")), limitedDb, {});
	const defaults = await underLoad(limited.url, keywordSets(2000, 2));
	await limited.close();
	progress(`bench:preview: measured in ${((performance.now() - t) / 1000).toFixed(1)} s`);

	const result = {
		papers: paperCount,
		weeks,
		papers_in_preview_window: Math.round((paperCount * 4) / weeks),
		requests,
		load_seconds: loadSeconds,
		readers: readerCount,
		before: before ?? null,
		after,
		after_default_limit: defaults,
		date: new Date().toISOString(),
		machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? "", node: process.version },
		commit: gitCommit(here("..")),
		before_commit: flags.before ? gitCommit(resolve(flags.before)) : null,
	};
	const rows: [string, (r: typeof after) => string][] = [
		["first preview (cold), CPU", (r) => `${r.first_preview_cpu_ms} ms`],
		["preview CPU, 20 topics", (r) => `${r.preview_cpu_ms} ms`],
		["preview p50 / p90", (r) => `${r.preview_p50_ms} / ${r.preview_p90_ms} ms`],
		[
			"/healthz p50 / p90, 2 looping clients",
			(r) => `${r.under_two_looping_clients.healthz_p50_ms} / ${r.under_two_looping_clients.healthz_p90_ms} ms`,
		],
		["previews answered /s under that load", (r) => `${r.under_two_looping_clients.previews_per_s}`],
		[`digest matching, ${readerCount} readers`, (r) => `${r.digest_match_s} s`],
	];
	console.log(`| ${paperCount} papers over ${weeks} weeks | before | after |`);
	console.log("| --- | --- | --- |");
	for (const [label, cell] of rows) console.log(`| ${label} | ${before ? cell(before) : ""} | ${cell(after)} |`);
	console.log(
		`| after, default limit: /healthz p50 / p90 | | ${defaults.healthz_p50_ms} / ${defaults.healthz_p90_ms} ms (${defaults.refused_429} of ${defaults.refused_429 + defaults.answered_200} previews refused) |`,
	);
	const out = flags.out ?? here("./results");
	mkdirSync(out, { recursive: true });
	const file = join(
		out,
		`preview-${result.date.slice(0, 10)}-${paperCount}p-${cpus().length}cpu-node${process.versions.node}.json`,
	);
	writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
	progress(`bench:preview: wrote ${file}`);
	console.log(JSON.stringify(result));
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

function gitCommit(cwd: string): string {
	try {
		return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd, encoding: "utf8" }).trim();
	} catch {
		return "";
	}
}

main().catch((error: unknown) => {
	progress(`bench:preview: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
	process.exitCode = 1;
});
