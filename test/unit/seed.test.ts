import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseSeedPage, seedPageFile } from "../../scripts/build-seed.ts";
import { readSeedPapers, seedFile } from "../../src/node/seed.ts";

const page = readFileSync(seedPageFile, "utf8");

describe("the seed papers", () => {
	it("come from a byte-exact copy of the page paperboy was born from", () => {
		// SHA-256 of ../shared/seed/000_366c8dbd37e0829f.txt.
		expect(createHash("sha256").update(page).digest("hex")).toBe(
			"e79eb3afc0ba01c98017d9f622199269453c38d74e4c4f6af5e11baa6c05ae35",
		);
	});

	it("are exactly what the build script makes of that page: 110 papers, titles and abstracts as written", () => {
		const built = parseSeedPage(page);
		expect(JSON.parse(readFileSync(seedFile, "utf8"))).toEqual(built);
		expect(built).toHaveLength(110);
		expect(new Set(built.map((p) => p.id)).size).toBe(110);
		expect(built[0]?.title).toBe(
			"Large Language Models as Foundations for Next-Gen Dense Retrieval: A Comprehensive Empirical Assessment",
		);
		expect(built.at(-1)?.title).toBe("Statistical Perspective of Top-K Sparse Softmax Gating Mixture of Experts");
		// Raw text stays raw (it is escaped where shown).
		expect(built.find((p) => p.title.startsWith("NV-Embed"))?.abstract).toContain("the last <EOS> token embedding");
		for (const p of built) {
			expect(page).toContain(`${p.title}\n\n${p.abstract}`);
			expect(p.url).toMatch(/^https:\/\/arxiv\.org\/search\/\?query=.+&searchtype=title$/);
		}
	});

	it("load as papers with their arXiv search link", () => {
		const papers = readSeedPapers();
		expect(papers).toHaveLength(110);
		expect(papers[0]).toMatchObject({ authors: [], upvotes: 0, absUrl: expect.stringContaining("arxiv.org/search") });
	});
});
