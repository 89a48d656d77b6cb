import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";
import { fixturePath, fixtures } from "../helpers/paper-fixtures.ts";
import { testSecret } from "../helpers/runtime.ts";

let dir: string;
let env: Record<string, string>;
const file = (name: string, text: string) => {
	const path = join(dir, name);
	writeFileSync(path, text);
	return path;
};
const rows = (csv: string) => parse(csv, { columns: true }) as Record<string, string>[];

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "paperboy-cli-"));
	env = { DATABASE_PATH: join(dir, "paperboy.db"), SECRET: testSecret, BASE_URL: "https://paperboy.example" };
	expect((await runCli(["seed"], env)).stdout).toBe("seed: 110 new, 0 updated\n");
	// Digests carry ingested papers only, never the example papers.
	expect((await runCli(["ingest", "hf", "--file", fixturePath(fixtures.hfDate0612)], env)).code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("paperboy import, export, digest, preview, forget", () => {
	it("rejects a file with any bad row, lists every problem, and imports nothing", async () => {
		const bad = file(
			"bad.csv",
			'email,keywords\nok@example.org,diffusion\nnot-an-address,rag\n"evil@example.org\r\nBcc: x@y.z",rag\nfine@example.org,!!!\nok@example.org,again\n',
		);
		const result = await runCli(["import", "--file", bad], env);
		expect(result.code).toBe(2);
		expect(result.stderr).toContain("nothing imported");
		expect(result.stderr).toContain("line 3: email:");
		expect(result.stderr).toContain("line 4: email:");
		expect(result.stderr).toContain('line 5: keywords: This topic cannot match any paper: "!!!"');
		expect(result.stderr).toContain("line 6: ok@example.org already appears on line 2");
		expect((await runCli(["stats"], env)).stdout).toContain("readers: 0 active");
	});

	it("names a missing file, wrong columns and missing flags", async () => {
		expect(await runCli(["import", "--file", join(dir, "nope.csv")], env)).toMatchObject({ code: 2 });
		const wrong = await runCli(["import", "--file", file("cols.csv", "mail,topics\na@b.org,x\n")], env);
		expect(wrong.stderr).toContain("the header must have the columns email,keywords");
		expect((await runCli(["import"], env)).stderr).toContain("--file PATH is required");
		expect((await runCli(["digest", "--now", "yesterday"], env)).stderr).toContain('--now: "yesterday" is not a date');
	});

	it("imports readers, runs a dry run, sends, previews and exports them", async () => {
		const readers = file(
			"readers.csv",
			'email,keywords\nAnn@Example.ORG,"diffusion, HiPPO"\nbob@example.org,quantum gravity\n',
		);
		expect((await runCli(["import", "--file", readers], env)).stdout).toBe(
			"import: 2 rows, 2 readers added, 0 already subscribed (unchanged)\n",
		);
		expect((await runCli(["import", "--file", readers], env)).stdout).toContain(
			"0 readers added, 2 already subscribed",
		);

		const dry = await runCli(["digest", "--dry-run"], env);
		expect(dry.stdout).toMatch(/2 readers due, 1 would get a digest, 1 have no new matching papers/);
		expect((await runCli(["stats"], env)).stdout).toContain("readers: 2 active");

		const sent = await runCli(["digest"], env);
		expect(sent.stdout).toMatch(/2 planned, 1 sent, 1 skipped/);
		const outbox = join(dir, "outbox");
		expect(existsSync(outbox)).toBe(true);

		const preview = await runCli(["preview", "--email", "ann@example.org", "--out", dir], env);
		expect(preview.stdout).toContain("no papers added between");

		const exported = await runCli(["export"], env);
		expect(exported.stdout.split("\n")[0]).toBe(
			"email,keywords,status,frequency,consent_at,consent_source,confirmed_at,unsubscribed_at",
		);
		expect(exported.stdout).toContain('Ann@example.org,"diffusion, HiPPO",active,weekly,');
		// What export writes, import reads back.
		const again = file("again.csv", exported.stdout);
		expect((await runCli(["import", "--file", again], env)).stdout).toContain("0 readers added, 2 already subscribed");

		expect((await runCli(["forget", "--email", "bob@example.org"], env)).stdout).toContain("deleted bob@example.org");
		expect((await runCli(["forget", "--email", "bob@example.org"], env)).code).toBe(1);
		expect((await runCli(["export"], env)).stdout).not.toContain("bob@example.org");
	});

	it("writes a reader's digest preview as HTML and text, from ingested papers only (never the example papers)", async () => {
		const fresh = { ...env, DATABASE_PATH: join(dir, "second.db") };
		await runCli(["seed"], fresh);
		await runCli(["import", "--file", file("one.csv", "email,keywords\ncat@example.org,diffusion\n")], fresh);
		// Four example papers mention diffusion: a fresh install's seed is for the demo only.
		const seedOnly = await runCli(["preview", "--email", "cat@example.org", "--out", dir], fresh);
		expect(seedOnly.stdout).toContain("match cat@example.org's topics; no digest would be sent");

		await runCli(["ingest", "hf", "--file", fixturePath(fixtures.hfDate0612)], fresh);
		const result = await runCli(["preview", "--email", "cat@example.org", "--out", dir], fresh);
		expect(result.stdout).toContain('"5 new papers on diffusion" written to');
		const html = readFileSync(join(dir, "digest-cat@example.org.html"), "utf8");
		const text = readFileSync(join(dir, "digest-cat@example.org.txt"), "utf8");
		expect(html).toContain("MaskAlign: Token-Subset Representation Alignment for Efficient Diffusion Training");
		expect(text).toContain("MaskAlign: Token-Subset Representation Alignment for Efficient Diffusion Training");
		// The example papers link to arXiv searches; ingested ones to their abstract pages.
		expect(text).not.toContain("arxiv.org/search/");
	});
});

describe("paperboy export", () => {
	const formulas = () => ({ ...env, DATABASE_PATH: join(dir, "formulas.db") });

	it("writes cells a spreadsheet would run as formulas as text, and import reads them back as they were", async () => {
		const readers = file(
			"formulas.csv",
			[
				"email,keywords",
				'-cmd@example.org,"=HYPERLINK(""http://evil.example/x"", diffusion)"',
				'plus@example.org,"+sum diffusion"',
				'at@example.org,"@SUM(1) diffusion"',
				'exclude@example.org,"-survey, diffusion"',
				"'quote@example.org,retrieval",
				'full@example.org,"\uFF1DSUM(1), diffusion"',
				"plain@example.org,state space models",
			].join("\n"),
		);
		expect((await runCli(["import", "--file", readers], formulas())).stdout).toContain("7 readers added");
		const exported = rows((await runCli(["export"], formulas())).stdout);
		const cells = exported.flatMap((r) => [r.email ?? "", r.keywords ?? ""]);
		for (const cell of cells) expect(cell, cell).not.toMatch(/^[=+\-@\t\r]/);
		expect(exported.map((r) => [r.email, r.keywords])).toEqual([
			["'-cmd@example.org", `'=HYPERLINK("http://evil.example/x", diffusion)`],
			["plus@example.org", "'+sum diffusion"],
			["at@example.org", "'@SUM(1) diffusion"],
			["exclude@example.org", "'-survey, diffusion"],
			["'quote@example.org", "retrieval"],
			["full@example.org", "'\uFF1DSUM(1), diffusion"],
			["plain@example.org", "state space models"],
		]);

		// Into a fresh database: the same readers and topics, not the escaped text.
		const again = { ...env, DATABASE_PATH: join(dir, "formulas-again.db") };
		const exportFile = file("export.csv", (await runCli(["export"], formulas())).stdout);
		expect((await runCli(["import", "--file", exportFile], again)).stdout).toContain("7 readers added");
		const roundTrip = rows((await runCli(["export"], again)).stdout);
		expect(roundTrip.map((r) => [r.email, r.keywords])).toEqual(exported.map((r) => [r.email, r.keywords]));
	}, 90_000);

	it("filters by status, so unconfirmed signups need not travel with the readers", async () => {
		// The readers of the test above; one signs up on the form and never confirms, one pauses.
		const db = new Database(formulas().DATABASE_PATH);
		db.prepare(
			`insert into subscribers (email, status, keywords, manage_salt, consent_at, consent_form_version, created_at, updated_at)
			 values ('pending@example.org', 'pending', '["diffusion"]', 's', '2026-11-23', 'signup-2026-11', '2026-11-23', '2026-11-23')`,
		).run();
		db.prepare("update subscribers set status = 'paused' where email = 'plain@example.org'").run();
		db.close();

		const emails = async (...args: string[]) =>
			rows((await runCli(["export", ...args], formulas())).stdout).map((r) => r.email);
		expect(await emails("--status", "pending,paused")).toEqual(["plain@example.org", "pending@example.org"]);
		const bad = await runCli(["export", "--status", "confirmed"], formulas());
		expect(bad.code).toBe(2);
		expect(bad.stderr).toContain("--status takes one or more of pending, active, paused, unsubscribed");
		expect(bad.stdout).toBe("");
	}, 60_000);
});
