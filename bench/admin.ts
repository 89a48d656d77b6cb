/**
 * `npm run bench:admin -- [--readers 10000] [--papers 2000] [--runs 5] [--before DIR]`: how long the admin
 * pages and `/metrics` take to render on the benchmark's data (issue 14 asks for the
 * overview at 10,000 readers). Builds the synthetic database of `npm run bench`, runs the
 * real weekly digest over it (mail handed to a mailer that accepts and discards in this
 * process: what is measured here is the pages, not sending), signs in, then requests each
 * page through the app `--runs` times after one warm-up. Writes bench/results/admin-*.json.
 * With `--before DIR` (another checkout, with node_modules), that checkout's own
 * bench/admin.ts runs first and this one after, each in a child process, and the result
 * holds both and each page's before/after ratio.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parseConfig } from "../src/core/config.ts";
import { runDigest } from "../src/core/jobs/run-job.ts";
import { createApp } from "../src/core/web/app.tsx";
import { createNodeMetrics } from "../src/node/metrics.ts";
import { createNodeRuntime } from "../src/node/runtime.ts";
import { generateDatabase, readerEmail } from "./generate.ts";

const { values: flags } = parseArgs({
	options: {
		readers: { type: "string", default: "10000" },
		papers: { type: "string", default: "2000" },
		runs: { type: "string", default: "5" },
		before: { type: "string" },
		"no-write": { type: "boolean", default: false },
	},
});
const readers = Number(flags.readers);
const papers = Number(flags.papers);
const runs = Number(flags.runs);
const progress = (line: string) => process.stderr.write(`${line}\n`);
const dir = mkdtempSync(join(tmpdir(), "paperboy-bench-admin-"));
const token = "bench-admin-token-0123456789";

async function main() {
	const baseUrl = "https://paperboy.example";
	const config = parseConfig({
		DATABASE_PATH: join(dir, "paperboy.db"),
		SECRET: "bench-secret-0123456789abcdef0123456789abcdef",
		BASE_URL: baseUrl,
		ADMIN_TOKEN: token,
		METRICS_TOKEN: token,
		INGEST_SOURCES: "hf",
		LOG_LEVEL: "warn",
	});
	const runtime = createNodeRuntime(
		config,
		{ mailer: { send: async (m) => ({ messageId: m.messageId, response: "250 discarded" }) } },
		{ metrics: createNodeMetrics() },
	);
	const now = new Date();
	await generateDatabase(runtime.deps, { readers, papers, seed: 1, now, fieldMix: 0.1, progress });
	let t = performance.now();
	const run = await runDigest(runtime.deps, ["weekly"]);
	progress(`digest: ${JSON.stringify(run)} in ${((performance.now() - t) / 1000).toFixed(1)} s`);

	const app = createApp(config, { deps: () => runtime.deps, metrics: runtime.metrics, clientIp: () => "127.0.0.1" });
	const signedIn = await app.request(`${baseUrl}/admin/sign-in`, {
		method: "POST",
		headers: { "content-type": "application/x-www-form-urlencoded", origin: baseUrl },
		body: new URLSearchParams({ token }).toString(),
	});
	const cookie = (signedIn.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
	const pages = [
		"/admin",
		"/admin/topics",
		`/admin/readers?q=${encodeURIComponent(readerEmail(42))}`,
		"/admin/deliveries",
		"/admin/suppressions",
		"/metrics",
	];
	const timings: Record<string, { median_ms: number; min_ms: number; bytes: number }> = {};
	for (const path of pages) {
		const headers: Record<string, string> = path === "/metrics" ? { authorization: `Bearer ${token}` } : { cookie };
		const times: number[] = [];
		let bytes = 0;
		for (let i = 0; i <= runs; i++) {
			t = performance.now();
			const res = await app.request(`${baseUrl}${path}`, { headers });
			const body = await res.text();
			if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
			if (i > 0) times.push(performance.now() - t);
			bytes = body.length;
		}
		times.sort((a, b) => a - b);
		timings[path] = {
			median_ms: Math.round((times[Math.floor(times.length / 2)] ?? 0) * 10) / 10,
			min_ms: Math.round((times[0] ?? 0) * 10) / 10,
			bytes,
		};
		progress(`${path}: ${timings[path]?.median_ms} ms median of ${runs}`);
	}
	await runtime.close();
	const date = now.toISOString().slice(0, 10);
	const result = {
		bench: "admin",
		date: now.toISOString(),
		readers,
		papers,
		runs,
		machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
		digest: run,
		pages: timings,
	};
	const file = join(
		import.meta.dirname,
		"results",
		`admin-${date}-${readers}r-${cpus().length}cpu-node${process.versions.node}.json`,
	);
	if (!flags["no-write"]) writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
	console.log(JSON.stringify(result));
}

type Result = { pages: Record<string, { median_ms: number; min_ms: number; bytes: number }> } & Record<string, unknown>;

/** One checkout's bench/admin.ts in a child process: its last line of output, parsed. */
function runCheckout(checkout: string, extra: string[]): Result {
	const args = ["--import", "tsx", "bench/admin.ts", "--readers", String(readers), "--papers", String(papers)];
	const out = execFileSync(process.execPath, [...args, "--runs", String(runs), ...extra], {
		cwd: checkout,
		encoding: "utf8",
		stdio: ["ignore", "pipe", "inherit"],
		maxBuffer: 64 * 1024 * 1024,
	});
	return JSON.parse(out.trim().split("\n").at(-1) ?? "") as Result;
}

const commitOf = (checkout: string) =>
	execFileSync("git", ["-C", checkout, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();

/** Before, then this checkout, on the same generated data; both results and each page's ratio. */
function beforeAndAfter(beforeDir: string) {
	const here = join(import.meta.dirname, "..");
	progress(`before: ${beforeDir}`);
	const before = runCheckout(beforeDir, []);
	progress(`after: ${here}`);
	const after = runCheckout(here, ["--no-write"]);
	const ratios = Object.fromEntries(
		Object.entries(after.pages).map(([path, page]) => {
			const old = before.pages[path]?.median_ms;
			return [path, old && page.median_ms > 0 ? Math.round((old / page.median_ms) * 10) / 10 : null];
		}),
	);
	const now = new Date();
	const result = {
		bench: "admin-before-after",
		date: now.toISOString(),
		readers,
		papers,
		runs,
		machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
		before_commit: commitOf(beforeDir),
		after_commit: commitOf(here),
		median_ratio_before_over_after: ratios,
		before,
		after,
	};
	const file = join(
		import.meta.dirname,
		"results",
		`admin-${now.toISOString().slice(0, 10)}-${readers}r-${cpus().length}cpu-before-${result.before_commit}-after-${result.after_commit}.json`,
	);
	writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
	console.log(JSON.stringify(result));
}

if (flags.before) {
	rmSync(dir, { recursive: true, force: true });
	beforeAndAfter(flags.before);
} else {
	main()
		.catch((error: unknown) => {
			console.error(error);
			process.exitCode = 1;
		})
		.finally(() => rmSync(dir, { recursive: true, force: true }));
}
