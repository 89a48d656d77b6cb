import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";
import { fixturePath, fixtures } from "../helpers/paper-fixtures.ts";
import { testSecret } from "../helpers/runtime.ts";

let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "paperboy-cli-match-"));
	env = { DATABASE_PATH: join(dir, "paperboy.db"), SECRET: testSecret };
	expect((await runCli(["seed"], env)).code).toBe(0);
	for (const [source, fixture] of [
		["rss", fixtures.rss],
		["hf", fixtures.hfDate0612],
		["arxiv", fixtures.arxivTestingPage1],
	] as const) {
		expect((await runCli(["ingest", source, "--file", fixturePath(fixture)], env)).code).toBe(0);
	}
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("paperboy match", () => {
	it("prints every stored paper the topics match, seed papers included, ranked with reasons", async () => {
		const result = await runCli(["match", "--keywords", 'MoE, author:"David Dunson"'], env);
		expect(result.code).toBe(0);
		const lines = result.stdout.split("\n");
		expect(lines[0]).toBe("topic: MoE — also matching: mixture of experts");
		expect(lines[1]).toBe("topic: by David Dunson");
		// The author match ranks first.
		expect(lines[2]).toBe("1. Outlier Detection for Multi-Network Data (2205.06398)");
		expect(lines[3]).toBe("   matched: by David Dunson");
		expect(result.stdout).toContain("DeepSpeed-MoE: Advancing Mixture-of-Experts Inference and Training");
		expect(result.stdout).toMatch(/\n8 papers\n$/);
	});

	it("follows an author whichever source named them, however the name is written", async () => {
		// Hugging Face wrote "Antoine Guédon", the arXiv API "Aurora Ramírez", arXiv RSS "David B. Dunson".
		const result = await runCli(
			["match", "--keywords", 'author:"A. Guedon", author:"aurora ramirez", author:Dunson', "--json"],
			env,
		);
		expect(result.code).toBe(0);
		const papers = JSON.parse(result.stdout) as { id: string; matched: string[]; categories: string[] }[];
		expect(papers).toHaveLength(3);
		expect(papers).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ id: "2606.13644", matched: ["by A. Guedon"], categories: [] }),
				// The arXiv API's primary category first, then the cross-list.
				expect.objectContaining({ id: "2405.13786", matched: ["by aurora ramirez"], categories: ["cs.SE", "cs.AI"] }),
				expect.objectContaining({ id: "2205.06398", matched: ["by Dunson"] }),
			]),
		);
	});

	it("answers one JSON array with --json, and narrows with --since", async () => {
		const json = await runCli(["match", "--keywords", "cat:stat.ML", "--json"], env);
		expect(json.code).toBe(0);
		const papers = JSON.parse(json.stdout) as { id: string; title: string; matched: string[]; categories: string[] }[];
		expect(papers).toEqual([
			expect.objectContaining({
				id: "2205.06398",
				title: "Outlier Detection for Multi-Network Data",
				matched: ["in stat.ML"],
				categories: ["stat.ME", "stat.AP", "stat.ML"],
			}),
		]);
		const later = await runCli(["match", "--keywords", "MoE", "--since", "2100-01-01", "--json"], env);
		expect(JSON.parse(later.stdout)).toEqual([]);
	});

	it("refuses topics the form would refuse, and dates it cannot read, changing nothing", async () => {
		const unknown = await runCli(["match", "--keywords", "title:transformers"], env);
		expect(unknown.code).toBe(2);
		expect(unknown.stderr).toContain('"title:", which is not a kind of topic');
		const date = await runCli(["match", "--keywords", "MoE", "--since", "last week"], env);
		expect(date.code).toBe(2);
		expect(date.stderr).toContain('--since: "last week" is not a date');
		expect((await runCli(["match"], env)).stderr).toContain('--keywords "…" is required');
	});
});
