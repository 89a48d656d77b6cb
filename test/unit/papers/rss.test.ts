import { describe, expect, it } from "vitest";
import { parseArxivRss } from "../../../src/core/papers/sources/rss.ts";
import { appErrorOf, fixtures, rawXmlIds, readFixture } from "../../helpers/paper-fixtures.ts";

const parse = (name: string) => parseArxivRss(readFixture(name));

const problemWith = async (text: string) => (await appErrorOf(() => parseArxivRss(text))).message;

describe("arXiv RSS 2.0", () => {
	const parsed = parse(fixtures.rss);

	it("keeps new and cross-listed papers and skips the replacement", () => {
		expect(rawXmlIds(readFixture(fixtures.rss))).toEqual(["2609.26811", "2609.26820", "2205.06398", "2009.13987"]);
		expect(parsed.entries).toBe(4);
		expect(parsed.skipped).toBe(1);
		expect(parsed.papers.map((p) => p.id)).toEqual(["2609.26811", "2609.26820", "2205.06398"]);
	});

	it("reads titles, authors and the abstract after the announcement header", () => {
		const [drift, signal, outlier] = parsed.papers;
		expect(drift?.title).toBe("The Drift Contract: Spectral Updates for Depth-Robust Local Learning");
		expect(drift?.authors).toEqual(["Fabien Polly"]);
		expect(drift?.abstract).toMatch(/^Local learning trains each layer with its own auxiliary loss/);
		expect(signal?.authors).toEqual(["Naser Mansour", "Sidahmed Benabderrahmane", "Ameer Rahwan"]);
		expect(outlier?.title).toBe("Outlier Detection for Multi-Network Data");
		expect(outlier?.authors).toEqual(["Pritam Dey", "Zhengwu Zhang", "David B. Dunson"]);
		expect(outlier?.publishedAt).toBe("2026-09-24T04:00:00.000Z");
		for (const paper of parsed.papers) expect(paper.abstract).not.toMatch(/arXiv:|Announce Type/);
	});

	it("reads every category an item is listed in, the primary first", () => {
		expect(parsed.papers.map((p) => p.categories)).toEqual([
			["cs.LG"],
			["cs.LG", "cs.AI"],
			["stat.ME", "stat.AP", "stat.ML"],
		]);
	});

	it("reads a channel with no items (a day without announcements) as no papers", () => {
		const empty = readFixture(fixtures.rss).replace(/<item>[\s\S]*<\/item>/, "");
		expect(parseArxivRss(empty)).toEqual({ papers: [], entries: 0, skipped: 0, unusable: [] });
	});
});

describe("arXiv RSS, Atom variant", () => {
	const parsed = parse(fixtures.rssAtom);

	it("keeps new and cross, skips replace", () => {
		expect(rawXmlIds(readFixture(fixtures.rssAtom))).toEqual(["2609.28553", "2402.10149", "2401.08875"]);
		expect(parsed.skipped).toBe(1);
		expect(parsed.papers.map((p) => p.id)).toEqual(["2609.28553", "2402.10149"]);
	});

	it("reads categories from the entries' terms", () => {
		expect(parsed.papers.map((p) => p.categories)).toEqual([
			["cs.LG", "cs.AI"],
			["hep-ph", "cs.LG", "hep-ex"],
		]);
	});

	it("reads titles, creators and abstracts", () => {
		const [smiles, particles] = parsed.papers;
		expect(smiles?.title).toBe(
			"SMILESGNN: Interpretable Clinical Toxicity Prediction via SMILES-Graph Cross-Attention Fusion",
		);
		expect(smiles?.authors).toHaveLength(6);
		expect(smiles?.authors[5]).toBe("Trong Nghia Nguyen");
		expect(smiles?.abstract).toMatch(/^Drug toxicity prediction is critical/);
		expect(particles?.authors).toEqual([
			"Callum Birch-Sykes",
			"Brian Le",
			"Yvonne Peters",
			"Ethan Simpson",
			"Zihan Zhang",
		]);
		expect(particles?.publishedAt).toBe("2026-09-25T04:00:00.000Z");
	});
});

describe("broken announcement feeds", () => {
	it("rejects a document that is neither RSS nor Atom", async () => {
		expect(await problemWith('<?xml version="1.0"?><html><body>maintenance</body></html>')).toBe(
			"expected an arXiv RSS 2.0 (<rss>) or Atom (<feed>) feed, found <html>",
		);
	});

	it("rejects a truncated feed", async () => {
		const text = readFixture(fixtures.rss);
		expect(await problemWith(text.slice(0, 5000))).toMatch(/^not well-formed XML/);
	});

	it("rejects an RSS item without a link, saying which", async () => {
		const text = readFixture(fixtures.rss).replace("<link>https://arxiv.org/abs/2609.26820</link>", "");
		expect(await problemWith(text)).toMatch(/channel\.item\[1\]\.link/);
	});
});
