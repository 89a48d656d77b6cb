import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";
import { fixturePath, fixtures } from "../helpers/paper-fixtures.ts";

let root: string;
beforeAll(() => {
	root = mkdtempSync(join(tmpdir(), "paperboy-private-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

it("keeps the data folder to its owner: folders 0700, the database, secret and mail 0600, no addresses in the info log", async () => {
	const data = join(root, "fresh", "data");
	const env = { DATABASE_PATH: join(data, "paperboy.db"), BASE_URL: "https://paperboy.example", LOG_LEVEL: "info" };
	const readers = join(root, "readers.csv");
	writeFileSync(readers, "email,keywords\nann@example.org,diffusion\n");
	// Ingested papers: the example papers of `seed` never go into a digest (issue 10 item 5).
	expect((await runCli(["ingest", "hf", "--file", fixturePath(fixtures.hfDate0612)], env)).code).toBe(0);
	expect((await runCli(["import", "--file", readers], env)).code).toBe(0);
	const digest = await runCli(["digest"], env);
	expect(digest.stdout).toMatch(/1 sent/);

	expect(mode(data)).toBe("700");
	expect(mode(join(data, "secret"))).toBe("600");
	expect(mode(join(data, "outbox"))).toBe("700");
	const files = readdirSync(data).filter((f) => f.startsWith("paperboy.db"));
	expect(files).toContain("paperboy.db");
	for (const file of files) expect(mode(join(data, file)), file).toBe("600");
	const mail = readdirSync(join(data, "outbox"));
	expect(mail).toHaveLength(1);
	expect(mode(join(data, "outbox", mail[0] ?? ""))).toBe("600");
	expect(mail[0]).not.toContain("ann");
	expect(digest.stderr).toContain("mail written");
	expect(digest.stderr).not.toContain("ann@example.org");
});

it("narrows a data folder and database that an earlier version left readable to all", async () => {
	const data = join(root, "old");
	const env = { DATABASE_PATH: join(data, "paperboy.db"), SECRET: "an-old-secret-0123456789abcdef0123456789" };
	expect((await runCli(["migrate"], env)).code).toBe(0);
	chmodSync(data, 0o755);
	chmodSync(join(data, "paperboy.db"), 0o644);
	expect((await runCli(["stats"], env)).code).toBe(0);
	expect(mode(data)).toBe("700");
	expect(mode(join(data, "paperboy.db"))).toBe("600");
});
