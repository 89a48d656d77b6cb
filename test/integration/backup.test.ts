import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterEach, beforeEach, expect, it } from "vitest";
import { runCli, startCli } from "../helpers/cli.ts";
import { addPapers, paper } from "../helpers/readers.ts";
import { createTestRuntime, type TestRuntime, testSecret } from "../helpers/runtime.ts";

let rt: TestRuntime;
beforeEach(async () => {
	rt = await createTestRuntime();
});
afterEach(async () => {
	await rt.dispose();
});

const env = () => ({ DATABASE_PATH: join(rt.dir, "paperboy.db"), SECRET: testSecret });
const countPapers = async () =>
	Number(
		(
			await rt.deps.db
				.selectFrom("papers")
				.select((eb) => eb.fn.countAll<number>().as("n"))
				.executeTakeFirstOrThrow()
		).n,
	);

it("copies the database while another connection keeps writing: a consistent, standalone, private file", async () => {
	// A database big enough that the copy takes a while: 3,000 papers with long abstracts.
	const filler = "snapshotted abstracts of state space models ".repeat(40);
	for (let batch = 0; batch < 6; batch++) {
		await addPapers(
			rt,
			Array.from({ length: 500 }, (_, i) => paper(`2601.${batch}${String(i).padStart(4, "0")}`, `Paper ${i}`, filler)),
		);
	}
	const before = await countPapers();
	const out = join(rt.dir, "backup.db");
	const cli = startCli(["backup", "--out", out], env());
	let writes = 0;
	let finished = false;
	void cli.done.then(() => {
		finished = true;
	});
	while (!finished) {
		await addPapers(rt, [
			paper(`2602.${String(writes).padStart(5, "0")}`, `Written during the backup ${writes}`, filler),
		]);
		writes++;
		await new Promise((r) => setTimeout(r, 2));
	}
	const result = await cli.done;
	expect(result.code, result.stderr).toBe(0);
	expect(result.stdout).toMatch(/^backup: .*backup\.db \([\d.]+ MB, \d+ pages\) in \d+ ms\n$/);
	expect(writes).toBeGreaterThan(0);

	expect(statSync(out).mode & 0o777).toBe(0o600);
	expect(existsSync(`${out}-wal`)).toBe(false);
	const copy = new BetterSqlite3(out, { readonly: true });
	try {
		expect(copy.pragma("journal_mode", { simple: true })).toBe("delete");
		expect(copy.pragma("integrity_check", { simple: true })).toBe("ok");
		// The full-text index agrees with the papers table: one snapshot, not a mix.
		const { n } = copy.prepare("SELECT count(*) AS n FROM papers").get() as { n: number };
		expect(n).toBeGreaterThanOrEqual(before);
		expect(n).toBeLessThanOrEqual(before + writes);
		const indexed = copy.prepare("SELECT count(*) AS n FROM papers_fts WHERE papers_fts MATCH 'snapshotted'").get() as {
			n: number;
		};
		expect(indexed.n).toBe(n - 110);
	} finally {
		copy.close();
	}
}, 60_000);

it("refuses to overwrite a file or to write into a folder that does not exist, and writes nothing", async () => {
	const existing = join(rt.dir, "keep.db");
	writeFileSync(existing, "not a database");
	const over = await runCli(["backup", "--out", existing], env());
	expect(over.code).toBe(2);
	expect(over.stderr).toBe(`paperboy: ${existing} exists already: choose a new file name\n`);
	expect(readFileSync(existing, "utf8")).toBe("not a database");

	const nowhere = await runCli(["backup", "--out", join(rt.dir, "missing", "b.db")], env());
	expect(nowhere.code).toBe(2);
	expect(nowhere.stderr).toContain("does not exist");

	const none = await runCli(["backup"], env());
	expect(none.code).toBe(2);
	expect(none.stderr).toContain("--out FILE is required");
});
