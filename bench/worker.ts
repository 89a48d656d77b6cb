/**
 * `npm run bench:worker`: a weekly digest run on the real worker in workerd (Miniflare),
 * with D1, the real queue and a local stand-in for the HTTP mail API (Resend's
 * `POST /emails`, the transport wrangler.toml sets), for this checkout and, with
 * `--before DIR`, another checkout of the code, in one run on the same data.
 *
 *   npm run bench:worker -- [--readers 10000] [--papers 2000] [--seed 1] [--before DIR]
 *                           [--d1-ms 15] [--queue-ms 10] [--relay-ms 50]
 *
 * Each checkout's worker is bundled with bench/worker-entry.ts around it, which counts
 * the D1 statements, queue calls and fetches of every invocation. The data (papers and
 * readers from bench/generate.ts) is generated once with the Node runtime and copied
 * into each worker's D1 file. Prints a table and, as the last line, one JSON object;
 * writes the same JSON to bench/results/.
 *
 * Miniflare runs one queue consumer at a time (no max_concurrency), so `minutes_for_100k`
 * is modelled: the measured per-batch and per-step counts and local times, plus a round
 * trip per D1 statement (--d1-ms), per queue call (--queue-ms) and per message to the
 * relay (--relay-ms, SEND_CONCURRENCY at a time), with max_concurrency consumers at once
 * sharing the queue's invocations (the cron's own work is counted in full). Local times
 * are wall times on this machine, as loaded as it is: the result records the load.
 */
import {
	copyFileSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from "node:fs";
import { createServer } from "node:http";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { parseConfig } from "../src/core/config.ts";
import { createNodeRuntime } from "../src/node/runtime.ts";
import { generateDatabase } from "./generate.ts";
import type { Counts } from "./worker-counts.ts";

const { values: flags } = parseArgs({
	options: {
		readers: { type: "string", default: "10000" },
		papers: { type: "string", default: "2000" },
		seed: { type: "string", default: "1" },
		before: { type: "string" },
		"d1-ms": { type: "string", default: "15" },
		"queue-ms": { type: "string", default: "10" },
		"relay-ms": { type: "string", default: "50" },
		out: { type: "string" },
		keep: { type: "boolean", default: false },
	},
});
const readers = Number(flags.readers);
const paperCount = Number(flags.papers);
const seed = Number(flags.seed);
const rtt = { d1: Number(flags["d1-ms"]), queue: Number(flags["queue-ms"]), relay: Number(flags["relay-ms"]) };
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const root = here("..");
const progress = (line: string) => process.stderr.write(`${line}\n`);
const dir = mkdtempSync(join(tmpdir(), "paperboy-bench-worker-"));

const settings = {
	BASE_URL: "https://paperboy.example",
	MAIL_FROM: "paperboy <digest@paperboy.example>",
	SECRET: "bench-secret-0123456789abcdef0123456789abcdef",
	INGEST_SOURCES: "none",
	LOG_LEVEL: "warn",
	MAIL_TRANSPORT: "http",
	MAIL_API_TOKEN: "bench-token",
};

/**
 * The HTTP mail API stand-in (POST /emails and /emails/batch): accepts every message at
 * once and counts them per recipient.
 */
async function startMailApi() {
	const perRecipient = new Map<string, number>();
	let messages = 0;
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on("data", (c: Buffer) => chunks.push(c));
		req.on("end", () => {
			type Message = { to?: string[] };
			const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Message | Message[];
			// POST /emails carries one message, POST /emails/batch a list (answered with ids in `data`).
			const list = Array.isArray(body) ? body : [body];
			const ids = list.map((m) => {
				const to = m.to?.[0] ?? "";
				perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
				return { id: `bench-${++messages}` };
			});
			const answer = Array.isArray(body) ? { data: ids } : ids[0];
			res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
		});
	});
	await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
	const { port } = server.address() as { port: number };
	return {
		url: `http://127.0.0.1:${port}`,
		stats: () => ({
			messages,
			recipients: perRecipient.size,
			duplicates: [...perRecipient.values()].filter((n) => n > 1).length,
		}),
		reset: () => {
			perRecipient.clear();
			messages = 0;
		},
		close: () => new Promise<void>((ok) => server.close(() => ok())),
	};
}

/** A checkout's worker inside the counting wrapper, as one ES module. */
async function bundle(checkout: string, name: string): Promise<string> {
	const outfile = join(dir, `${name}.mjs`);
	await build({
		entryPoints: [here("./worker-entry.ts")],
		bundle: true,
		format: "esm",
		platform: "neutral",
		target: "es2022",
		outfile,
		alias: { "paperboy-worker": join(checkout, "src/worker/index.ts") },
		external: ["cloudflare:*"],
		conditions: ["workerd", "worker", "browser"],
		mainFields: ["module", "main"],
		logLevel: "error",
	});
	return outfile;
}

/** max_batch_size from a checkout's wrangler.toml (what its consumer is given). */
function batchSizeOf(checkout: string): number {
	const toml = readFileSync(join(checkout, "wrangler.toml"), "utf8");
	return Number(/max_batch_size\s*=\s*(\d+)/.exec(toml)?.[1] ?? 10);
}

function concurrencyOf(checkout: string): number {
	const toml = readFileSync(join(checkout, "wrangler.toml"), "utf8");
	return Number(/max_concurrency\s*=\s*(\d+)/.exec(toml)?.[1] ?? 1);
}

async function runVariant(
	name: string,
	checkout: string,
	database: string,
	api: Awaited<ReturnType<typeof startMailApi>>,
) {
	const script = await bundle(checkout, name);
	const persist = join(dir, `d1-${name}`);
	const batchSize = batchSizeOf(checkout);
	const lines: Counts[] = [];
	const options = {
		modules: true,
		scriptPath: script,
		modulesRoot: dir,
		compatibilityDate: "2026-04-20",
		d1Databases: { DB: `bench-${name}` },
		d1Persist: persist,
		queueProducers: { SEND_QUEUE: { queueName: "paperboy-send" } },
		queueConsumers: { "paperboy-send": { maxBatchSize: batchSize, maxBatchTimeout: 1, maxRetries: 10 } },
		// Serves /cdn-cgi/handler/scheduled, which fires the cron below.
		unsafeTriggerHandlers: true,
		bindings: { ...settings, MAIL_API_URL: api.url },
		handleRuntimeStdio(stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream) {
			let buffer = "";
			stdout.on("data", (chunk: Buffer) => {
				buffer += chunk.toString("utf8");
				let nl = buffer.indexOf("\n");
				while (nl >= 0) {
					const line = buffer.slice(0, nl);
					buffer = buffer.slice(nl + 1);
					const at = line.indexOf("BENCH ");
					if (at >= 0) lines.push(JSON.parse(line.slice(at + 6)) as Counts);
					nl = buffer.indexOf("\n");
				}
			});
			stderr.on("data", (chunk: Buffer) => {
				process.stderr.write(`[${name}] ${chunk.toString("utf8")}`);
			});
		},
	};
	// Let Miniflare make its D1 file, then put the generated database in its place.
	let mf = new Miniflare(options);
	await (await mf.getD1Database("DB")).prepare("select 1").all();
	await mf.dispose();
	const d1Dir = join(persist, "miniflare-D1DatabaseObject");
	const file = readdirSync(d1Dir).find((f) => f.endsWith(".sqlite"));
	if (!file) throw new Error(`no D1 file in ${d1Dir}`);
	for (const suffix of ["-wal", "-shm"]) rmSync(join(d1Dir, file + suffix), { force: true });
	copyFileSync(database, join(d1Dir, file));

	mf = new Miniflare(options);
	const d1 = await mf.getD1Database("DB");
	api.reset();
	progress(`bench: ${name}: weekly cron, ${readers} readers`);
	const started = performance.now();
	// Through workerd's own scheduled endpoint (what `wrangler dev --test-scheduled` serves): the
	// proxy's scheduled() lost its connection when a step kept the isolate busy (load 15).
	const fired = await mf.dispatchFetch("http://bench.local/cdn-cgi/handler/scheduled?cron=0+8+*+*+1");
	if (!fired.ok) throw new Error(`${name}: the cron answered ${fired.status}: ${await fired.text()}`);
	await fired.arrayBuffer().catch(() => undefined);
	progress(`bench: ${name}: cron done`);
	const left = async () =>
		Number(
			(
				await d1
					.prepare("select count(*) as n from deliveries where status in ('pending', 'sending')")
					.first<{ n: number }>()
			)?.n,
		);
	let lastReport = started;
	let failures = 0;
	for (;;) {
		// Miniflare's proxy connection can drop on a machine this loaded: ask again.
		const n = await left().catch((error: unknown) => {
			if (++failures > 20) throw error;
			return -1;
		});
		if (n < 0) {
			await new Promise((ok) => setTimeout(ok, 1000));
			continue;
		}
		if (n === 0) break;
		if (performance.now() - lastReport > 10_000) {
			progress(`bench: ${name}: ${n} deliveries left after ${((performance.now() - started) / 1000).toFixed(0)} s`);
			lastReport = performance.now();
		}
		if (performance.now() - started > 3_600_000) throw new Error(`${name}: not done after an hour (${n} left)`);
		await new Promise((ok) => setTimeout(ok, 200));
	}
	const wallS = (performance.now() - started) / 1000;
	// The last invocation's line can trail the outbox by a moment.
	await new Promise((ok) => setTimeout(ok, 1500));
	const statuses = await d1
		.prepare("select status, count(*) as n from deliveries group by status")
		.all<{ status: string; n: number }>();
	await mf.dispose();
	const mail = api.stats();
	return { name, batchSize, maxConcurrency: concurrencyOf(checkout), lines, wallS, statuses: statuses.results, mail };
}

type Variant = Awaited<ReturnType<typeof runVariant>>;

const sum = (list: readonly number[]) => list.reduce((a, b) => a + b, 0);
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

function summarise(v: Variant) {
	const cron = v.lines.filter((l) => l.kind === "scheduled");
	const queue = v.lines.filter((l) => l.kind === "queue");
	const steps = queue.filter((l) => l.steps > 0);
	const sends = queue.filter((l) => l.steps === 0);
	const delivered: Record<string, number> = Object.fromEntries(
		v.statuses.map((s: { status: string; n: number }) => [s.status, s.n]),
	);
	const deliveries = sum(Object.values(delivered));
	const d1Total = sum(v.lines.map((l) => l.d1));
	const subrequests = (l: Counts) => l.d1 + l.queueCalls + l.fetches;
	const perBatch = sends.length ? sum(sends.map((l) => l.d1)) / sends.length : 0;
	const messagesPerBatch = sends.length ? sum(sends.map((l) => l.messages)) / sends.length : 0;
	// The model: each send batch costs its local time plus a round trip per D1 statement and
	// per queue call, and the relay's round trip per SEND_CONCURRENCY messages (1 before: sent one after another).
	const sendConcurrency = v.name === "before" ? 1 : parseConfig({ SECRET: settings.SECRET }).queue.sendConcurrency;
	const batchModelS = sends.map(
		(l) =>
			(l.ms + l.d1 * rtt.d1 + l.queueCalls * rtt.queue + Math.ceil(l.fetches / sendConcurrency) * rtt.relay) / 1000,
	);
	const stepModelS = [...cron, ...steps].map((l) => (l.ms + l.d1 * rtt.d1 + l.queueCalls * rtt.queue) / 1000);
	const scale = 100_000 / readers;
	// Before: the cron enqueues alone, then batches spread over max_concurrency consumers. After:
	// each step hands on before it works, so steps and batches alike spread over the consumers.
	const cronS = stepModelS.slice(0, cron.length);
	const stepS = stepModelS.slice(cron.length);
	const minutesFor100k = (scale * (sum(cronS) + (sum(stepS) + sum(batchModelS)) / v.maxConcurrency)) / 60;
	return {
		deliveries,
		statuses: delivered,
		mail_messages: v.mail.messages,
		mail_duplicates: v.mail.duplicates,
		d1_statements: d1Total,
		d1_statements_per_delivery: round(d1Total / Math.max(1, deliveries), 3),
		d1_statements_per_send_batch: round(perBatch, 1),
		messages_per_send_batch: round(messagesPerBatch, 1),
		cron_subrequests: sum(cron.map(subrequests)),
		max_subrequests_per_invocation: Math.max(0, ...v.lines.map(subrequests)),
		max_d1_statements_per_invocation: Math.max(0, ...v.lines.map((l) => l.d1)),
		consumer_invocations: queue.length,
		ms_per_send_batch_local: round(sends.length ? sum(sends.map((l) => l.ms)) / sends.length : 0, 0),
		ms_per_step_local: round(steps.length ? sum(steps.map((l) => l.ms)) / steps.length : 0, 0),
		cron_ms_local: sum(cron.map((l) => l.ms)),
		enqueue_steps: sum(steps.map((l) => l.steps)),
		queue_messages: sum(v.lines.map((l) => l.enqueued)),
		wall_s: round(v.wallS, 1),
		messages_per_s_local: round(v.mail.messages / v.wallS, 1),
		minutes_for_100k: round(minutesFor100k, 1),
		max_concurrency: v.maxConcurrency,
		max_batch_size: v.batchSize,
	};
}

async function main() {
	const before = flags.before ? resolve(flags.before) : undefined;
	if (before && !existsSync(join(before, "src/worker/index.ts")))
		throw new Error(`--before ${before}: no src/worker/index.ts`);
	const database = join(dir, "paperboy.db");
	const config = parseConfig({ ...settings, DATABASE_PATH: database });
	const setup = createNodeRuntime(config);
	await generateDatabase(setup.deps, { readers, papers: paperCount, seed, now: new Date(), progress });
	await setup.close();
	progress(`bench: generated ${paperCount} papers and ${readers} readers`);

	const api = await startMailApi();
	const variants: Variant[] = [];
	try {
		if (before) variants.push(await runVariant("before", before, database, api));
		variants.push(await runVariant("after", root, database, api));
	} finally {
		await api.close();
		if (!flags.keep) rmSync(dir, { recursive: true, force: true });
	}
	const results = Object.fromEntries(variants.map((v) => [v.name, summarise(v)]));
	const after = results.after;
	const was = results.before;
	const ratio = (key: keyof NonNullable<typeof after>) =>
		was && after && typeof was[key] === "number" && typeof after[key] === "number" && after[key] !== 0
			? round((was[key] as number) / (after[key] as number), 2)
			: undefined;
	const result = {
		bench: "worker",
		date: new Date().toISOString(),
		machine: { cpus: cpus().length, node: process.version, loadavg_1m_at_end: round(loadavg()[0] ?? 0, 1) },
		readers,
		papers: paperCount,
		assumptions_ms: rtt,
		...after,
		before: was,
		ratios_before_over_after: was
			? {
					d1_statements_per_delivery: ratio("d1_statements_per_delivery"),
					cron_subrequests: ratio("cron_subrequests"),
					wall_s: ratio("wall_s"),
					minutes_for_100k: ratio("minutes_for_100k"),
				}
			: undefined,
	};
	const table = Object.keys(after ?? {}).filter((k) => k !== "statuses");
	for (const key of table) {
		const cells = variants.map((v) => String((results[v.name] as Record<string, unknown>)[key]));
		progress(`${key.padEnd(36)} ${cells.map((c) => c.padStart(12)).join(" ")}`);
	}
	const resultsDir = flags.out ?? here("./results");
	mkdirSync(resultsDir, { recursive: true });
	const file = join(resultsDir, `worker-${result.date.slice(0, 10)}-${readers}r-${cpus().length}cpu.json`);
	writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
	progress(`bench: wrote ${file}`);
	console.log(JSON.stringify(result));
}

await main();
