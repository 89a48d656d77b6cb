/**
 * `npm run bench:match -- --before DIR`: the digest benchmark's matching, recommending and
 * rendering passes (bench/baselines.ts `matchAndRender`) for two checkouts on one database,
 * in one run, so a change to matching or recommending is compared under the same load.
 *
 *   npm run bench:match -- --before /path/to/older/checkout [--readers 100000]
 *                          [--papers 2000] [--profiles 0.2] [--seed 1]
 *
 * Builds the synthetic database once with this checkout's generator (as `npm run bench`
 * does), then runs each checkout's own `matchAndRender` in a child process of its own,
 * in the order before, this, this, before (a drift in the machine's load falls on both),
 * with the node flags the server runs with (bin/paperboy.js's first line).
 * The before checkout needs its own `node_modules` (a symlink to this one's works). Prints
 * one JSON object and writes it to bench/results/.
 */
import { execFileSync, fork } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { serverNodeFlags } from "./server-node-flags.ts";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const thisCheckout = here("..");

const { values: flags } = parseArgs({
	options: {
		before: { type: "string" },
		readers: { type: "string", default: "100000" },
		papers: { type: "string", default: "2000" },
		profiles: { type: "string", default: "0.2" },
		seed: { type: "string", default: "1" },
		child: { type: "string" },
		data: { type: "string" },
	},
});

const envFor = (dir: string) => ({
	DATABASE_PATH: join(dir, "paperboy.db"),
	SECRET: "bench-secret-0123456789abcdef0123456789abcdef",
	BASE_URL: "https://paperboy.example",
	MAIL_FROM: "paperboy <digest@paperboy.example>",
	SMTP_URL: "smtp://127.0.0.1:2525?tls=off",
	INGEST_SOURCES: "none",
	LOG_LEVEL: "warn",
});
const progress = (line: string) => process.stderr.write(`${line}\n`);

if (flags.child && flags.data) await child(resolve(flags.child), flags.data);
else await main();

/** One checkout's passes, with that checkout's code, on the database in `data`. */
async function child(checkout: string, data: string) {
	const { parseConfig } = await import(join(checkout, "src/core/config.ts"));
	const { createNodeRuntime } = await import(join(checkout, "src/node/runtime.ts"));
	const { listReaders } = await import(join(checkout, "src/core/db/subscribers.ts"));
	const { matchAndRender } = await import(join(checkout, "bench/baselines.ts"));
	const config = parseConfig(envFor(data));
	const now = new Date(readFileSync(join(data, "now"), "utf8"));
	const runtime = createNodeRuntime(config);
	const readers = await listReaders(runtime.deps.db);
	const window = {
		from: new Date(now.getTime() - config.digest.firstWindowDays * 86_400_000).toISOString(),
		to: now.toISOString(),
	};
	const { samples: _, ...result } = await matchAndRender(runtime.deps, readers, window, 1, progress);
	await runtime.close();
	process.send?.(result);
}

async function main() {
	if (!flags.before) throw new Error("--before DIR (an older checkout) is required");
	const before = resolve(flags.before);
	const { parseConfig } = await import("../src/core/config.ts");
	const { createNodeRuntime } = await import("../src/node/runtime.ts");
	const { generateDatabase } = await import("./generate.ts");
	const data = mkdtempSync(join(tmpdir(), "paperboy-bench-match-"));
	try {
		const now = new Date();
		const setup = createNodeRuntime(parseConfig(envFor(data)));
		await generateDatabase(setup.deps, {
			readers: Number(flags.readers),
			papers: Number(flags.papers),
			seed: Number(flags.seed),
			now,
			profileShare: Number(flags.profiles),
			progress,
		});
		await setup.close();
		writeFileSync(join(data, "now"), now.toISOString());
		const runs = [];
		for (const [label, checkout] of [
			["before", before],
			["after", thisCheckout],
			["after", thisCheckout],
			["before", before],
		] as const) {
			progress(`bench: ${label} (${checkout})`);
			const result = await runChild(checkout, data);
			runs.push({
				label,
				commit: commitOf(checkout),
				loadavg: loadavg().map((l) => Math.round(l * 100) / 100),
				...result,
			});
		}
		const result = {
			bench: "match-before-after",
			date: new Date().toISOString(),
			readers: Number(flags.readers),
			papers: Number(flags.papers),
			profiles: Number(flags.profiles),
			machine: { cores: cpus().length, node: process.versions.node },
			runs,
		};
		const out = here("./results");
		mkdirSync(out, { recursive: true });
		writeFileSync(
			join(out, `match-before-after-${result.date.slice(0, 10)}-${flags.readers}r.json`),
			`${JSON.stringify(result, null, 2)}\n`,
		);
		console.log(JSON.stringify(result));
	} finally {
		rmSync(data, { recursive: true, force: true });
	}
}

function runChild(checkout: string, data: string): Promise<Record<string, unknown>> {
	return new Promise((done, fail) => {
		const proc = fork(here("./match-before-after.ts"), ["--child", checkout, "--data", data], {
			execArgv: [...serverNodeFlags(), "--import", "tsx"],
			cwd: checkout,
		});
		let result: Record<string, unknown> | undefined;
		proc.on("message", (message) => {
			result = message as Record<string, unknown>;
		});
		proc.on("error", fail);
		proc.on("exit", (code) =>
			result ? done(result) : fail(new Error(`${checkout}: exited (${code}) with no result`)),
		);
	});
}

function commitOf(checkout: string): string {
	return execFileSync("git", ["-C", checkout, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
}
