/**
 * `npm run bench:deploy`: what an operator meets before the first digest (issue 10): CLI
 * start-up, the package's size and what installing it brings, for this checkout and,
 * with `--before DIR`, another one (a checkout from before the build) in the same run.
 *
 *   npm run bench:deploy -- [--before DIR] [--runs 15] [--out DIR]
 *
 * 1. Start-up: `node bin/paperboy.js --version` and `… stats` (on a migrated database
 *    holding the example papers), each version in turn, `--runs` times; the median wall
 *    time of each, and before/after as a ratio.
 * 2. This checkout: `npm pack` (tarball and unpacked size, file count), installed
 *    globally into a temp prefix (its size and package count). `--before`: its
 *    production install (`npm ci --omit=dev`, all there was to deploy then).
 * better-sqlite3 gets the binary this checkout's `npm ci` compiled (as the package test
 * does), so installs take seconds and measure what lands on disk, not a compiler.
 * Prints a table and the JSON last; writes it to bench/results/.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values: flags } = parseArgs({
	options: {
		before: { type: "string" },
		runs: { type: "string", default: "15" },
		out: { type: "string" },
	},
});
const runs = Number(flags.runs);
if (!Number.isSafeInteger(runs) || runs < 1) throw new Error("--runs must be a positive whole number");
const here = resolve(fileURLToPath(new URL("..", import.meta.url)));
const before = flags.before ? resolve(flags.before) : undefined;
const progress = (line: string) => process.stderr.write(`${line}\n`);
const dir = mkdtempSync(join(tmpdir(), "paperboy-bench-deploy-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;
const mb = (bytes: number) => round(bytes / 2 ** 20, 1);
const median = (xs: number[]) => {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)] ?? Number.NaN;
};
const gitCommit = (cwd: string) =>
	execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd, encoding: "utf8" }).trim();
const diskBytes = (path: string) => Number(execFileSync("du", ["-sb", path], { encoding: "utf8" }).split("\t")[0]);
const packageCount = (nodeModules: string): number =>
	readdirSync(nodeModules, { withFileTypes: true })
		.filter((e) => e.isDirectory() && !e.name.startsWith("."))
		.reduce((n, e) => (e.name.startsWith("@") ? n + readdirSync(join(nodeModules, e.name)).length : n + 1), 0);

// --- 1. CLI start-up -----------------------------------------------------------------
const versions = [...(before ? [["before", before] as const] : []), ["after", here] as const];
const envFor = (name: string) => ({
	PATH: process.env.PATH ?? "",
	DATABASE_PATH: join(dir, name, "paperboy.db"),
	SECRET: "bench-secret-0123456789abcdef0123456789abcdef",
	LOG_LEVEL: "warn",
});
const cli = (cwd: string, name: string, args: string[]) => {
	const started = performance.now();
	const r = spawnSync(process.execPath, [join(cwd, "bin/paperboy.js"), ...args], { cwd, env: envFor(name) });
	const ms = performance.now() - started;
	// A checkout from before `--version` existed answers it with the usage and exit 1: the same start-up.
	if (r.status !== 0 && args[0] !== "--version")
		throw new Error(`${name}: paperboy ${args.join(" ")} failed:\n${r.stderr}`);
	return ms;
};
for (const [name, cwd] of versions) {
	cli(cwd, name, ["migrate"]); // also builds dist/ when stale, so that is not timed
	cli(cwd, name, ["seed"]);
}
const commands = ["--version", "stats"];
const times: Record<string, Record<string, number[]>> = Object.fromEntries(
	versions.map(([name]) => [name, Object.fromEntries(commands.map((c) => [c, [] as number[]]))]),
);
for (let i = 0; i < runs; i++) {
	for (const command of commands)
		for (const [name, cwd] of versions) times[name]?.[command]?.push(cli(cwd, name, [command]));
}
const startup = Object.fromEntries(
	Object.entries(times).map(([name, t]) => [
		name,
		Object.fromEntries(
			Object.entries(t).map(([c, xs]) => [c, { median_ms: round(median(xs)), min_ms: round(Math.min(...xs)) }]),
		),
	]),
);
progress("bench:deploy: start-up measured");

// --- 2. Package and installs ---------------------------------------------------------
/** The better-sqlite3 binary this checkout compiled, where prebuild-install looks first. */
function localPrebuilds(): string {
	const module = join(here, "node_modules", "better-sqlite3");
	const { version } = JSON.parse(readFileSync(join(module, "package.json"), "utf8")) as { version: string };
	const folder = join(dir, "prebuilds");
	mkdirSync(folder, { recursive: true });
	const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
	execFileSync("tar", ["czf", join(folder, name), "-C", module, "build/Release/better_sqlite3.node"]);
	return folder;
}
const npmEnv = { ...process.env, npm_config_better_sqlite3_local_prebuilds: localPrebuilds() };
const npmFlags = ["--prefer-offline", "--allow-scripts=better-sqlite3", "--no-audit", "--no-fund"];

// Built first, then packed without scripts: prepack's build would print into the JSON.
execFileSync("npm", ["run", "build"], { cwd: here, stdio: ["ignore", "ignore", "inherit"] });
const packed = JSON.parse(
	execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], {
		cwd: here,
		encoding: "utf8",
		env: npmEnv,
	}),
) as { filename: string; size: number; unpackedSize: number; entryCount: number }[];
const pack = packed[0];
if (!pack) throw new Error("npm pack printed nothing");
const prefix = join(dir, "prefix");
execFileSync("npm", ["install", "--global", "--prefix", prefix, ...npmFlags, join(dir, pack.filename)], {
	env: npmEnv,
	stdio: "ignore",
});
const installed = join(prefix, "lib", "node_modules", "paperboy");
const after = {
	tarball_kb: round(pack.size / 1024),
	unpacked_kb: round(pack.unpackedSize / 1024),
	files: pack.entryCount,
	global_install_mb: mb(diskBytes(installed)),
	global_install_packages: 1 + packageCount(join(installed, "node_modules")),
	dev_checkout_node_modules_mb: mb(diskBytes(join(here, "node_modules"))),
};
progress("bench:deploy: package measured");

let beforeInstall: { omit_dev_install_mb: number; omit_dev_packages: number } | null = null;
if (before) {
	const copy = join(dir, "before-production");
	mkdirSync(copy);
	for (const f of ["package.json", "package-lock.json"]) copyFileSync(join(before, f), join(copy, f));
	// The checkout's own allowScripts lets better-sqlite3 build; npm refuses --allow-scripts in a project.
	const ciFlags = npmFlags.filter((f) => !f.startsWith("--allow-scripts"));
	execFileSync("npm", ["ci", "--omit=dev", ...ciFlags], {
		cwd: copy,
		env: npmEnv,
		stdio: ["ignore", "ignore", "inherit"],
	});
	beforeInstall = {
		omit_dev_install_mb: mb(diskBytes(join(copy, "node_modules"))),
		omit_dev_packages: packageCount(join(copy, "node_modules")),
	};
}

const ratio = (command: string) => {
	const b = startup.before?.[command]?.median_ms;
	const a = startup.after?.[command]?.median_ms;
	return b && a ? round(b / a, 1) : null;
};
const result = {
	startup,
	startup_ratio_before_over_after: { version: ratio("--version"), stats: ratio("stats") },
	package: after,
	before_install: beforeInstall,
	runs,
	date: new Date().toISOString(),
	machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? "", node: process.version },
	commit: gitCommit(here),
	before_commit: before ? gitCommit(before) : null,
};

const cell = (name: string, command: string) => {
	const s = startup[name]?.[command];
	return s ? `${s.median_ms} ms (min ${s.min_ms})` : "";
};
console.log("| | before | after | before / after |");
console.log("| --- | --- | --- | --- |");
console.log(
	`| \`paperboy --version\`, median | ${cell("before", "--version")} | ${cell("after", "--version")} | ${ratio("--version") ?? ""} |`,
);
console.log(
	`| \`paperboy stats\`, median | ${cell("before", "stats")} | ${cell("after", "stats")} | ${ratio("stats") ?? ""} |`,
);
console.log(
	`| production install | ${beforeInstall ? `${beforeInstall.omit_dev_install_mb} MB, ${beforeInstall.omit_dev_packages} packages (npm ci --omit=dev)` : ""} | ${after.global_install_mb} MB, ${after.global_install_packages} packages (npm install -g of the tarball) | |`,
);
console.log(`| npm pack | | ${after.tarball_kb} KB (${after.unpacked_kb} KB unpacked, ${after.files} files) | |`);
console.log(`| development checkout node_modules | | ${after.dev_checkout_node_modules_mb} MB | |`);
const out = flags.out ?? join(here, "bench", "results");
mkdirSync(out, { recursive: true });
const file = join(out, `deploy-${result.date.slice(0, 10)}-${cpus().length}cpu-node${process.versions.node}.json`);
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
progress(`bench:deploy: wrote ${file}`);
console.log(JSON.stringify(result));
