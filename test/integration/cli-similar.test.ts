import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";
import { testSecret } from "../helpers/runtime.ts";

let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "paperboy-cli-similar-"));
	env = { DATABASE_PATH: join(dir, "paperboy.db"), SECRET: testSecret };
	expect((await runCli(["seed"], env)).code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Two of the seed's S4 papers: HiPPO, and diagonal state space models.
const liked = ["--paper", "seed-c42e5f9377", "--paper", "seed-8cfb95d530"];

describe("paperboy similar", () => {
	it("prints the stored papers closest to the liked ones, with scores, leaving the given ones out", async () => {
		const result = await runCli(["similar", ...liked, "--limit", "3", "--json"], env);
		expect(result.code).toBe(0);
		const papers = JSON.parse(result.stdout) as { id: string; title: string; score: number }[];
		expect(papers).toHaveLength(3);
		expect(papers[0]?.title).toBe("Robustifying State-space Models for Long Sequences via Approximate Diagonalization");
		// The seed's one other S4 paper stands well clear of everything else.
		expect(papers[0]?.score).toBeGreaterThan(2 * (papers[1]?.score ?? 1));
		expect(papers.map((p) => p.id)).not.toContain("seed-c42e5f9377");

		const text = await runCli(["similar", ...liked, "--limit", "2"], env);
		expect(text.stdout).toMatch(/^1\. 0\.\d{3} {2}Robustifying State-space Models .* \(seed-ebb17e6759\)\n2\. /);
		expect(text.stdout).toMatch(/\n2 papers\n$/);
	});

	it("pushes down what --not names, and narrows with --since", async () => {
		const base = JSON.parse((await runCli(["similar", ...liked, "--limit", "5", "--json"], env)).stdout) as {
			id: string;
			score: number;
		}[];
		const first = base[0]?.id ?? "";
		const without = JSON.parse(
			(await runCli(["similar", ...liked, "--not", first, "--limit", "5", "--json"], env)).stdout,
		) as { id: string; score: number }[];
		expect(without.map((p) => p.id)).not.toContain(first);
		// The next paper scores lower once the disliked one's terms count against it.
		expect(without[0]?.score).toBeLessThan(base[1]?.score ?? 0);
		const later = await runCli(["similar", ...liked, "--since", "2999-01-01"], env);
		expect(later.stdout).toBe("0 papers first seen since 2999-01-01T00:00:00.000Z\n");
	});

	it("says what is wrong and exits non-zero", async () => {
		const none = await runCli(["similar"], env);
		expect(none.code).toBe(2);
		expect(none.stderr).toContain("--paper ID is required");
		const unknown = await runCli(["similar", "--paper", "2612.99999"], env);
		expect(unknown.code).not.toBe(0);
		expect(unknown.stderr).toContain("no stored paper with the id 2612.99999");
		expect((await runCli(["similar", ...liked, "--limit", "0"], env)).stderr).toContain("--limit");
		expect((await runCli(["similar", ...liked, "--since", "soon"], env)).stderr).toContain('--since: "soon"');
	});
});
