import { describe, expect, it } from "vitest";
import { arxivQueryUrl, parseArxivFeed } from "../../../src/core/papers/sources/arxiv.ts";
import { appErrorOf, fixtures, rawXmlIds, readFixture } from "../../helpers/paper-fixtures.ts";

const parse = (name: string) => parseArxivFeed(readFixture(name));
const only = (name: string) => {
	const { papers } = parse(name);
	expect(papers).toHaveLength(1);
	return papers[0] ?? expect.unreachable();
};

const rejection = (text: string) => appErrorOf(() => parseArxivFeed(text));

const feed = (entries: string, xmlns = "http://www.w3.org/2005/Atom") =>
	`<?xml version="1.0" encoding="UTF-8"?><feed xmlns="${xmlns}" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"><opensearch:totalResults>1</opensearch:totalResults>${entries}</feed>`;
const entry = (title: string, summary = "An abstract.") =>
	`<entry><id>http://arxiv.org/abs/2606.13677v1</id><title>${title}</title><summary>${summary}</summary><published>2026-06-11T17:59:49Z</published><author><name>Zhao-Heng Yin</name></author></entry>`;

describe("arXiv API feeds", () => {
	it.each([
		[fixtures.arxivEmpty, 0, 0],
		[fixtures.arxivPartial, 1, 1],
		[fixtures.arxivVersioned, 1, 1],
		[fixtures.arxivOldStyle, 1, 1],
		[fixtures.arxivTestingPage1, 10, 214881],
		[fixtures.arxivTestingPage2, 10, 214881],
		[fixtures.arxivTransformer, 5, 28946],
		[fixtures.arxivLegacy, 1, 1],
	])("%s: %i papers, totalResults %i, ids as in the feed", (name, count, total) => {
		const page = parse(name);
		expect(page.papers).toHaveLength(count);
		expect(page.totalResults).toBe(total);
		expect(page.papers.map((p) => p.id)).toEqual(rawXmlIds(readFixture(name)));
		for (const paper of page.papers) {
			expect(paper.title).not.toMatch(/\n|\s{2}/);
			expect(paper.authors.length).toBeGreaterThan(0);
			expect(paper.pdfUrl).toBe(`https://arxiv.org/pdf/${paper.id}`);
			expect(paper.upvotes).toBe(0);
		}
	});

	it("folds the version away and keeps the title 0 as text", () => {
		const paper = only(fixtures.arxivVersioned);
		expect(paper.id).toBe("2104.12255");
		expect(paper.title).toBe("0");
		expect(paper.authors).toEqual(["Quan Thoi Minh Nguyen"]);
		expect(paper.abstract).toContain("awarded $35,000 in total");
		expect(paper.publishedAt).toBe("2021-04-20T16:07:14.000Z");
		expect(paper.absUrl).toBe("https://arxiv.org/abs/2104.12255");
	});

	it("keeps an old-style id and decodes entities in the abstract", () => {
		const paper = only(fixtures.arxivOldStyle);
		expect(paper.id).toBe("astro-ph/0601001");
		expect(paper.authors).toEqual(["Andrew Gould", "Susan Dorsher", "B. Scott Gaudi", "Andrzej Udalski"]);
		expect(paper.abstract).toContain("following Gould & Morgan (2003)");
		expect(paper.abstract).toContain("V_max<17.5");
		expect(paper.abstract).toContain("(1/310)(1^{+1.39}_{-0.59})");
	});

	it("returns the one paper arXiv found when an id in the list does not exist", () => {
		const paper = only(fixtures.arxivPartial);
		expect(paper.id).toBe("1707.08567");
		expect(paper.title).toBe("Proceedings of Workshop AEW10: Concepts in Information Theory and Communications");
		expect(paper.authors[0]).toBe("Kees A. Schouhamer Immink");
	});

	it("reads categories, the primary first, in both formats", () => {
		expect(parse(fixtures.arxivTransformer).papers.map((p) => [p.id, p.categories])).toEqual([
			["2606.13677", ["cs.RO", "cs.AI", "cs.CV", "cs.LG"]],
			["2606.13591", ["cs.AI", "cs.LG", "cs.MA"]],
			["2606.13568", ["cs.LG", "math-ph"]],
			["2606.13515", ["cs.CV", "cs.LG", "cs.RO"]],
			["2606.13501", ["cs.DC", "cs.LG", "cs.PF"]],
		]);
		expect(only(fixtures.arxivLegacy).categories).toEqual(["cond-mat.str-el", "cond-mat.stat-mech"]);
	});

	it("puts the marked primary category first and leaves ACM and MSC classes out", () => {
		const categories =
			'<category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/><category term="I.2.7" scheme="http://arxiv.org/schemas/atom"/><category term="68T50" scheme="http://arxiv.org/schemas/atom"/><category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/><arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="cs.CL"/>';
		const page = parseArxivFeed(feed(entry("A title").replace("</entry>", `${categories}</entry>`)));
		expect(page.papers[0]?.categories).toEqual(["cs.CL", "cs.LG"]);
	});

	it("reads the legacy format: hard-wrapped title and abstract folded", () => {
		const paper = only(fixtures.arxivLegacy);
		expect(paper.id).toBe("1111.2011");
		expect(paper.title).toBe(
			"Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit",
		);
		expect(paper.authors).toEqual(["James M. Murray", "Adrian Del Maestro", "Zlatko Tesanovic"]);
		expect(paper.abstract).toMatch(/^Theoretical description of anisotropic systems, such as layered superconductors/);
		expect(paper.abstract).not.toContain("\n");
		expect(paper.publishedAt).toBe("2011-11-08T18:48:36.000Z");
	});

	it("keeps non-ASCII names and inline LaTeX", () => {
		const names = parse(fixtures.arxivTestingPage1).papers.flatMap((p) => p.authors);
		expect(names).toContain("Aurora Ramírez");
		const raw = readFixture(fixtures.arxivTestingPage2);
		const abstracts = parse(fixtures.arxivTestingPage2)
			.papers.map((p) => p.abstract)
			.join(" ");
		expect(abstracts.split("$").length).toBe(raw.split("$").length);
		expect(abstracts.split("$").length - 1).toBeGreaterThanOrEqual(40);
	});

	it("reads the first of the transformer results", () => {
		const [first] = parse(fixtures.arxivTransformer).papers;
		expect(first?.id).toBe("2606.13677");
		expect(first?.title).toBe("Mana: Dexterous Manipulation of Articulated Tools");
		expect(first?.authors).toEqual(["Zhao-Heng Yin", "Guanya Shi", "Pieter Abbeel", "C. Karen Liu"]);
		expect(first?.abstract).toContain("(<1 minute per tool)");
	});

	it("turns the error feed (HTTP 400) into arXiv's own message", async () => {
		const error = await rejection(readFixture(fixtures.arxivError400));
		expect(error.code).toBe("invalid_input");
		expect(error.message).toBe('arXiv rejected the query: "incorrect id format for abc"');
	});

	it("keeps markup inside a title as literal text, escaped or not", () => {
		const page = parseArxivFeed(
			feed(
				entry("&lt;script&gt;alert(1)&lt;/script&gt; Mana <script>alert(2)</script> <![CDATA[<b>x</b>]]> &#x3c;i&#62;"),
			),
		);
		expect(page.papers[0]?.title).toBe("<script>alert(1)</script> Mana <script>alert(2)</script> <b>x</b> <i>");
	});

	describe("rejects broken payloads whole", () => {
		it("a truncated feed", async () => {
			const text = readFixture(fixtures.arxivTestingPage1);
			const error = await rejection(text.slice(0, text.length - 400));
			expect(error.code).toBe("invalid_payload");
			expect(error.message).toMatch(/^not well-formed XML \(truncated or broken\)/);
		});

		it("XML that is not Atom", async () => {
			expect((await rejection(readFixture(fixtures.rss))).message).toMatch(
				/^expected an arXiv API Atom feed.*found <rss>/,
			);
			expect((await rejection(feed(entry("x"), "http://example.org/not-atom"))).message).toMatch(
				/xmlns http:\/\/example.org\/not-atom/,
			);
			expect((await rejection("<html><body><h1>502 Bad Gateway</h1></body></html>")).message).toMatch(/found <html>/);
		});

		it("JSON or nothing", async () => {
			expect((await rejection('[{"paper":{}}]')).message).toBe("expected XML, found JSON");
			expect((await rejection("")).message).toBe("the payload is empty");
		});

		it("an entry without a title, saying which", async () => {
			const withoutTitle = feed(entry("t").replace("<title>t</title>", ""));
			expect((await rejection(withoutTitle)).message).toMatch(/entry\[0\]\.title/);
		});

		it("a count that is not a number", async () => {
			const text = feed(entry("t")).replace("<opensearch:totalResults>1<", "<opensearch:totalResults>many<");
			expect((await rejection(text)).message).toMatch(/opensearch:totalResults: expected a count/);
		});
	});
});

describe("arxivQueryUrl", () => {
	it("asks for the newest submissions in the window, one page", () => {
		const url = new URL(
			arxivQueryUrl({
				query: "cat:cs.LG OR cat:cs.CL",
				from: new Date("2026-11-20T00:00:00Z"),
				until: new Date("2026-11-23T08:00:00Z"),
				start: 200,
				maxResults: 200,
			}),
		);
		expect(url.origin + url.pathname).toBe("https://export.arxiv.org/api/query");
		expect(url.searchParams.get("search_query")).toBe(
			"(cat:cs.LG OR cat:cs.CL) AND submittedDate:[202611200000 TO 202611230800]",
		);
		expect(url.searchParams.get("start")).toBe("200");
		expect(url.searchParams.get("max_results")).toBe("200");
		expect(url.searchParams.get("sortBy")).toBe("submittedDate");
		expect(url.searchParams.get("sortOrder")).toBe("descending");
	});
});
