/**
 * The real `paperboy ingest` command as a child process on a fresh SQLite file, fed the
 * recorded payloads in test/fixtures. No network: every run uses --file.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { fixturePath, fixtures, rawHfItems, rawXmlIds, readFixture } from "../helpers/paper-fixtures.ts";
import { testSecret } from "../helpers/runtime.ts";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const dirs: string[] = [];
afterAll(() => {
	for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
	const dir = mkdtempSync(join(tmpdir(), "paperboy-ingest-"));
	dirs.push(dir);
	return dir;
}

interface Run {
	code: number;
	stdout: string;
	stderr: string;
}

function paperboy(databasePath: string, args: string[]): Promise<Run> {
	// Only what the command needs: vitest's own environment (BASE_URL "/", MODE…) would leak into the settings.
	const env = {
		PATH: process.env.PATH,
		DATABASE_PATH: databasePath,
		BASE_URL: "http://paperboy.test",
		LOG_LEVEL: "silent",
		SECRET: testSecret,
	};
	return new Promise((resolve) => {
		execFile(process.execPath, ["bin/paperboy.js", ...args], { cwd: repo, env }, (error, stdout, stderr) => {
			resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
		});
	});
}

/** Ingests files in order, one process each, as a person at a shell would. */
async function ingestAll(databasePath: string, source: string, names: readonly string[]): Promise<Run[]> {
	const runs: Run[] = [];
	for (const name of names) runs.push(await paperboy(databasePath, ["ingest", source, "--file", fixturePath(name)]));
	return runs;
}

function papersIn(databasePath: string): Map<string, { upvotes: number; added_at: string; title: string }> {
	const db = new BetterSqlite3(databasePath, { readonly: true });
	try {
		const rows = db.prepare("SELECT id, upvotes, added_at, title FROM papers").all() as {
			id: string;
			upvotes: number;
			added_at: string;
			title: string;
		}[];
		return new Map(rows.map((row) => [row.id, row]));
	} finally {
		db.close();
	}
}

const hfFiles = [fixtures.hf2024, fixtures.hfDate0612, fixtures.hfLatest0612, fixtures.hf0813];
const arxivFiles = [
	fixtures.arxivEmpty,
	fixtures.arxivPartial,
	fixtures.arxivVersioned,
	fixtures.arxivOldStyle,
	fixtures.arxivTestingPage1,
	fixtures.arxivTestingPage2,
	fixtures.arxivTransformer,
	fixtures.arxivLegacy,
];
const rssFiles = [fixtures.rss, fixtures.rssAtom];
// The replacement announcements, per SOURCES.md.
const replaced = new Set(["2009.13987", "2401.08875"]);

const expectedIds = {
	hf: new Set(hfFiles.flatMap((name) => rawHfItems(name).map((item) => item.paper.id))),
	arxiv: new Set(arxivFiles.flatMap((name) => rawXmlIds(readFixture(name)))),
	rss: new Set(rssFiles.flatMap((name) => rawXmlIds(readFixture(name))).filter((id) => !replaced.has(id))),
};

describe("paperboy ingest --file", () => {
	it("a fresh database gets exactly the papers in the fixtures, and a rerun changes no count", {
		timeout: 300_000,
	}, async () => {
		const groups = [
			{ source: "hf", files: hfFiles },
			{ source: "arxiv", files: arxivFiles },
			{ source: "rss", files: rssFiles },
		] as const;
		const databases = groups.map(() => join(tempDir(), "paperboy.db"));
		// The three sources in parallel, each on its own database; files in order within one.
		const firstRuns = await Promise.all(groups.map((g, i) => ingestAll(databases[i] ?? "", g.source, g.files)));
		const firstState = databases.map(papersIn);

		groups.forEach((group, i) => {
			expect(firstRuns[i]?.map((run) => run.code)).toEqual(group.files.map(() => 0));
			expect(new Set(firstState[i]?.keys())).toEqual(expectedIds[group.source]);
		});
		expect(expectedIds.hf.size).toBe(83);
		expect(expectedIds.arxiv.size).toBe(29);
		expect(expectedIds.rss.size).toBe(5);

		const [hfRuns, arxivRuns, rssRuns] = firstRuns;
		expect(hfRuns?.map((run) => run.stdout.trim())).toEqual([
			"ingest hf: 19 fetched, 19 new, 0 updated, 0 skipped, 0 errors",
			"ingest hf: 35 fetched, 35 new, 0 updated, 0 skipped, 0 errors",
			"ingest hf: 30 fetched, 9 new, 21 updated, 0 skipped, 0 errors",
			"ingest hf: 20 fetched, 20 new, 0 updated, 0 skipped, 0 errors",
		]);
		expect(arxivRuns?.[0]?.stdout.trim()).toBe("ingest arxiv: 0 fetched, 0 new, 0 updated, 0 skipped, 0 errors");
		expect(rssRuns?.[0]?.stdout.trim()).toBe("ingest rss: 4 fetched, 3 new, 0 updated, 1 skipped, 0 errors");

		const hf = firstState[0];
		// The two snapshots of 2026-06-12 merged: once each, the later upvotes.
		expect(hf?.get("2606.08063")?.upvotes).toBe(74);
		expect(hf?.get("2606.13392")?.upvotes).toBe(103);
		expect(hf?.get("2410.09732")?.title).toBe(
			"LOKI: A Comprehensive Synthetic Data Detection Benchmark using Large Multimodal Models",
		);
		expect(firstState[1]?.get("2104.12255")?.title).toBe("0");
		expect(firstState[1]?.has("astro-ph/0601001")).toBe(true);

		const reruns = await Promise.all(groups.map((g, i) => ingestAll(databases[i] ?? "", g.source, g.files)));
		for (const run of reruns.flat()) expect(run.stdout).toMatch(/ 0 new, 0 updated, /);
		databases.forEach((database, i) => {
			const after = papersIn(database);
			expect(after.size).toBe(firstState[i]?.size);
			// Seen again: still "new" from when it was first seen.
			for (const [id, paper] of after) expect(paper.added_at).toBe(firstState[i]?.get(id)?.added_at);
		});
	});

	it("broken input exits non-zero, names the file and the problem, and writes nothing", {
		timeout: 180_000,
	}, async () => {
		const dir = tempDir();
		const database = join(dir, "paperboy.db");
		const [seeded] = await ingestAll(database, "hf", [fixtures.hf0813]);
		expect(seeded?.code).toBe(0);
		const before = papersIn(database);

		const write = (name: string, text: string) => {
			const path = join(dir, name);
			writeFileSync(path, text);
			return path;
		};
		const hfText = readFixture(fixtures.hfDate0612);
		const truncated = write("truncated.json", hfText.slice(0, Math.floor(hfText.length * 0.7)));
		const wrongTypes = write(
			"wrong-types.json",
			JSON.stringify(
				rawHfItems(fixtures.hfDate0612).map((item) => ({ ...item, paper: { ...item.paper, upvotes: "lots" } })),
			),
		);
		const notAtom = write("not-atom.xml", '<?xml version="1.0"?><html><body><p>Rate limited</p></body></html>');
		const cut = readFixture(fixtures.arxivTestingPage1);
		const truncatedXml = write("truncated.xml", cut.slice(0, Math.floor(cut.length / 2)));

		const cases = [
			{ args: ["ingest", "hf", "--file", truncated], code: 1, message: `${truncated}: not valid JSON` },
			{
				args: ["ingest", "hf", "--file", wrongTypes],
				code: 1,
				message: `${wrongTypes}: the Daily Papers list does not have`,
			},
			{ args: ["ingest", "arxiv", "--file", notAtom], code: 1, message: `${notAtom}: expected an arXiv API Atom feed` },
			{ args: ["ingest", "rss", "--file", truncatedXml], code: 1, message: `${truncatedXml}: not well-formed XML` },
			{
				args: ["ingest", "arxiv", "--file", fixturePath(fixtures.arxivError400)],
				code: 2,
				message: `${fixturePath(fixtures.arxivError400)}: arXiv rejected the query: "incorrect id format for abc"`,
			},
			{
				args: ["ingest", "hf", "--file", join(dir, "missing.json")],
				code: 2,
				message: `cannot read ${join(dir, "missing.json")}: no such file`,
			},
			{
				args: ["ingest", "hf", "--date", "2026-02-30"],
				code: 2,
				message: '--date "2026-02-30": not a date on the calendar',
			},
			{ args: ["ingest", "podcasts"], code: 2, message: "say which source to ingest: hf, arxiv, rss" },
		];
		for (const c of cases) {
			const run = await paperboy(database, c.args);
			expect({ args: c.args, code: run.code }).toEqual({ args: c.args, code: c.code });
			expect(run.stderr).toContain(`paperboy: ${c.message}`);
			expect(run.stdout).toBe("");
		}
		expect(papersIn(database)).toEqual(before);
	});
});
