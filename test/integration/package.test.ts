import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { freePort } from "../helpers/free-port.ts";
import { startServerProcess } from "../helpers/server-process.ts";

const run = promisify(execFile);
const repo = fileURLToPath(new URL("../../", import.meta.url));
const manifest = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { name: string; version: string };
let dir: string;

beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), "paperboy-package-"));
});
afterAll(() => {
	rmSync(dir, { recursive: true, force: true });
});

/**
 * better-sqlite3's install script looks for a prebuilt binary before compiling (70 s
 * here). Users get one downloaded from its releases; this machine cannot reach them, so
 * the test hands prebuild-install the binary `npm ci` already compiled for this Node,
 * through its documented local-prebuilds folder. The install script still runs.
 */
async function localPrebuilds(): Promise<string> {
	const module = join(repo, "node_modules", "better-sqlite3");
	const { version } = JSON.parse(readFileSync(join(module, "package.json"), "utf8")) as { version: string };
	const folder = join(dir, "prebuilds");
	mkdirSync(folder);
	const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
	await run("tar", ["czf", join(folder, name), "-C", module, "build/Release/better_sqlite3.node"]);
	return folder;
}

it("npm pack ships the build, migrations and seeds; installed globally, `paperboy serve` in an empty folder creates ./data, migrates, serves and schedules", async () => {
	// dist/ is fresh (the test setup built it); packing builds again otherwise (prepack).
	const packed = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], { cwd: repo });
	const [pack] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
	const files = pack?.files.map((f) => f.path) ?? [];
	expect(files).toEqual(
		expect.arrayContaining([
			"bin/paperboy.js",
			"dist/node/cli.js",
			"dist/node/THIRD-PARTY-NOTICES.txt",
			"migrations/0001_init.sql",
			"seeds/papers.json",
			"deploy/paperboy.service",
		]),
	);
	expect(files.filter((f) => /^(src|test|bench|scripts|templates)\//.test(f) || f.endsWith(".ts"))).toEqual([]);

	const prefix = join(dir, "prefix");
	await run(
		"npm",
		[
			"install",
			"--global",
			"--prefix",
			prefix,
			"--prefer-offline",
			"--allow-scripts=better-sqlite3",
			"--no-audit",
			"--no-fund",
			join(dir, pack?.filename ?? ""),
		],
		{ env: { ...process.env, npm_config_better_sqlite3_local_prebuilds: await localPrebuilds() } },
	);
	const paperboy = join(prefix, "bin", "paperboy");
	expect((await run(paperboy, ["--version"])).stdout).toBe(`paperboy ${manifest.version}\n`);

	const empty = join(dir, "empty");
	mkdirSync(empty);
	const port = await freePort();
	const server = startServerProcess(
		{ PORT: String(port), INGEST_SOURCES: "none" },
		{ file: paperboy, args: ["serve"], cwd: empty },
	);
	await server.listening;
	const page = await fetch(`http://127.0.0.1:${port}/`);
	expect(page.status).toBe(200);
	expect(await page.text()).toContain("Large Language Models as Foundations for Next-Gen Dense Retrieval");
	expect(existsSync(join(empty, "data", "paperboy.db"))).toBe(true);
	expect(existsSync(join(empty, "data", "secret"))).toBe(true);
	expect(server.log()).toContain('migrations applied {"applied":["0001_init.sql"');
	// The command's first line gives node the flag that keeps its memory in bounds (decision 021).
	expect(readFileSync(`/proc/${server.child.pid}/cmdline`, "utf8").split("\0")).toContain("--max-semi-space-size=16");
	expect(server.log()).toContain('jobs scheduled {"timeZone":"UTC","ingest":"0 7 * * *","digest-weekly":"0 8 * * 1"');
	server.child.kill("SIGTERM");
	expect(await server.exited).toBe(0);
}, 180_000);
