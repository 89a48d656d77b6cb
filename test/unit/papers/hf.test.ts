import { describe, expect, it } from "vitest";
import { parseHfDailyPapers } from "../../../src/core/papers/sources/hf.ts";
import { appErrorOf, fixtures, rawHfItems, readFixture } from "../../helpers/paper-fixtures.ts";

const parse = (name: string) => parseHfDailyPapers(readFixture(name));
const byId = (name: string, id: string) => {
	const paper = parse(name).papers.find((p) => p.id === id);
	if (!paper) throw new Error(`${id} not parsed from ${name}`);
	return paper;
};

/** What a parse failure says. */
async function problemWith(text: string): Promise<string> {
	const error = await appErrorOf(() => parseHfDailyPapers(text));
	expect(error.code).toBe("invalid_payload");
	return error.message;
}

describe("Hugging Face Daily Papers", () => {
	it.each([
		[fixtures.hf2024, 19],
		[fixtures.hfDate0612, 35],
		[fixtures.hf0813, 20],
		[fixtures.hfLatest0612, 30],
	])("%s: every item becomes a paper with its id, title, authors and upvotes", (name, count) => {
		const raw = rawHfItems(name);
		const parsed = parse(name);
		expect(raw).toHaveLength(count);
		expect(parsed.entries).toBe(count);
		expect(parsed.papers.map((p) => p.id)).toEqual(raw.map((item) => item.paper.id));
		expect(parsed.papers.map((p) => p.upvotes)).toEqual(raw.map((item) => item.paper.upvotes));
		expect(parsed.papers.map((p) => p.authors)).toEqual(
			raw.map((item) => item.paper.authors.filter((a) => !a.hidden).map((a) => a.name.trim())),
		);
		for (const paper of parsed.papers) {
			expect(paper.hfUrl).toBe(`https://huggingface.co/papers/${paper.id}`);
			expect(paper.absUrl).toBe(`https://arxiv.org/abs/${paper.id}`);
			expect(paper.title).not.toMatch(/\n|\s{2}/);
		}
	});

	it("2024 schema: hard-wrapped paper titles come out as the clean outer titles", () => {
		const raw = rawHfItems(fixtures.hf2024);
		expect(raw.filter((item) => item.paper.title.includes("\n  "))).toHaveLength(14);
		expect(parse(fixtures.hf2024).papers.map((p) => p.title)).toEqual(raw.map((item) => item.title));
		const loki = byId(fixtures.hf2024, "2410.09732");
		expect(loki.title).toBe("LOKI: A Comprehensive Synthetic Data Detection Benchmark using Large Multimodal Models");
		// The older schema has no AI summary, no repository: those stay empty.
		expect(loki.aiSummary).toBeNull();
		expect(loki.codeUrl).toBeNull();
		expect(loki.thumbnailUrl).toBe("https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2410.09732.png");
		expect(loki.comments).toBe(1);
		expect(loki.abstract).not.toContain("\n");
	});

	it("leaves hidden authors out", () => {
		const raw = rawHfItems(fixtures.hfDate0612).find((item) => item.paper.id === "2606.12575");
		expect(raw?.paper.authors.find((a) => a.hidden)?.name).toBe("Dengyang Jiang");
		const paper = byId(fixtures.hfDate0612, "2606.12575");
		expect(paper.authors).not.toContain("Dengyang Jiang");
		expect(paper.authors).toHaveLength((raw?.paper.authors.length ?? 0) - 1);
	});

	it("keeps raw <tags> in an abstract as text", () => {
		expect(byId(fixtures.hfDate0612, "2606.13106").abstract).toContain(
			"The model emits <swi> to enter latent mode and </swi> to exit.",
		);
	});

	it("keeps repository, stars, project page, AI summary and keywords when present", () => {
		const raw = rawHfItems(fixtures.hfLatest0612);
		const parsed = parse(fixtures.hfLatest0612).papers;
		expect(parsed.filter((p) => p.codeUrl)).toHaveLength(16);
		expect(parsed.filter((p) => p.projectUrl)).toHaveLength(13);
		expect(parsed.filter((p) => p.aiSummary && p.aiKeywords?.length)).toHaveLength(30);
		const robust = byId(fixtures.hfLatest0612, "2606.08063");
		const rawRobust = raw.find((item) => item.paper.id === "2606.08063")?.paper;
		expect(robust.upvotes).toBe(74);
		expect(robust.codeUrl).toBe(rawRobust?.githubRepo);
		expect(robust.codeStars).toBe(rawRobust?.githubStars);
		expect(robust.projectUrl).toBe(rawRobust?.projectPage);
		expect(robust.aiSummary).toBe(rawRobust?.ai_summary);
	});

	it("folds an abstract's wraps but keeps its paragraphs", () => {
		const abstract = byId(fixtures.hfDate0612, "2606.13120").abstract;
		expect(abstract.split("\n\n")).toHaveLength(2);
		expect(abstract).toContain("reasoning shortcuts.\n\nIn this paper, we");
	});

	it("reads an empty day as no papers", () => {
		expect(parseHfDailyPapers("[]")).toEqual({ papers: [], entries: 0, skipped: 0, unusable: [] });
	});

	it("ignores unknown fields and reads cosmetic fields of the wrong type as absent", () => {
		const [item] = rawHfItems(fixtures.hf0813);
		const changed = {
			...item,
			brandNewField: { nested: true },
			thumbnail: 12,
			paper: { ...item?.paper, githubStars: "lots", projectPage: "javascript:alert(1)", extra: [1, 2] },
		};
		const [paper] = parseHfDailyPapers(JSON.stringify([changed])).papers;
		expect(paper?.id).toBe(item?.paper.id);
		expect(paper?.codeStars).toBeNull();
		expect(paper?.projectUrl).toBeNull();
		expect(paper?.thumbnailUrl).toBeNull();
	});

	it("keeps a <script> title as literal text (every view escapes it)", () => {
		const [item] = rawHfItems(fixtures.hf0813);
		const title = '<script>alert("x")</script> OpenART';
		const [paper] = parseHfDailyPapers(JSON.stringify([{ ...item, paper: { ...item?.paper, title } }])).papers;
		expect(paper?.title).toBe(title);
	});

	it("counts an id that is not an arXiv id as unusable instead of storing it", () => {
		const items = rawHfItems(fixtures.hf0813).slice(0, 2);
		const [first, second] = items;
		const parsed = parseHfDailyPapers(
			JSON.stringify([first, { ...second, paper: { ...second?.paper, id: "../../x" } }]),
		);
		expect(parsed.papers.map((p) => p.id)).toEqual([first?.paper.id]);
		expect(parsed.unusable).toEqual(['entry 2: "../../x" is not an arXiv id']);
	});

	describe("rejects broken payloads whole", () => {
		const text = readFixture(fixtures.hfDate0612);
		const items = rawHfItems(fixtures.hfDate0612);

		it("truncated JSON", async () => {
			expect(await problemWith(text.slice(0, Math.floor(text.length / 2)))).toMatch(
				/^not valid JSON, it may be truncated/,
			);
		});

		it("a required field of the wrong type, saying where", async () => {
			const broken = items.map((item, i) => (i === 3 ? { ...item, paper: { ...item.paper, upvotes: "many" } } : item));
			expect(await problemWith(JSON.stringify(broken))).toMatch(/\[3\]\.paper\.upvotes: .*expected number/);
		});

		it("an item without an id", async () => {
			const { id: _id, ...paper } = items[0]?.paper ?? { id: "" };
			expect(await problemWith(JSON.stringify([{ ...items[0], paper }]))).toMatch(/\[0\]\.paper\.id/);
		});

		it("an object instead of the list, quoting Hugging Face's error", async () => {
			expect(await problemWith('{"error":"Invalid date"}')).toBe(
				'expected a JSON array of daily papers, found object: "Invalid date"',
			);
		});

		it("an HTML page and an empty body", async () => {
			expect(await problemWith("<!doctype html><html><body>Bad gateway</body></html>")).toMatch(/found markup/);
			expect(await problemWith("  ")).toBe("the payload is empty");
		});
	});
});
