/**
 * `npm run bench:match -- --before DIR`: the digest benchmark's matching, recommending and
 * rendering passes (bench/baselines.ts `matchAndRender`) for two checkouts on one database,
 * in one run, so a change to matching or recommending is compared under the same load.
 *
 *   npm run bench:match -- --before /path/to/older/checkout [--readers 100000]
 *                          [--papers 2000] [--profiles 0.2] [--field-mix 0.1] [--seed 1]
 *
 * Builds the synthetic database once with this checkout's generator (as `npm run bench`
 * does, with its defaults), then runs each checkout's own `matchAndRender` in a child
 * process of its own (bench/passes.ts, with the node flags the server runs with), in the
 * order before, this, this, before (a drift in the machine's load falls on both).
 * The before checkout needs its own `node_modules` (a symlink to this one's works). Prints
 * one JSON object and writes it to bench/results/.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { runPasses } from "./run-passes.ts";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const thisCheckout = here("..");

const { values: flags } = parseArgs({
	options: {
		before: { type: "string" },
		readers: { type: "string", default: "100000" },
		papers: { type: "string", default: "2000" },
		profiles: { type: "string", default: "0.2" },
		"field-mix": { type: "string", default: "0.1" },
		seed: { type: "string", default: "1" },
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

await main();

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
			fieldMix: Number(flags["field-mix"]),
			progress,
		});
		await setup.close();
		const runs = [];
		for (const [label, checkout] of [
			["before", before],
			["after", thisCheckout],
			["after", thisCheckout],
			["before", before],
		] as const) {
			progress(`bench: ${label} (${checkout})`);
			const result = await runPasses({ checkout, env: envFor(data), now: now.toISOString() }, checkout);
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
			fieldMix: Number(flags["field-mix"]),
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

function commitOf(checkout: string): string {
	return execFileSync("git", ["-C", checkout, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
}
