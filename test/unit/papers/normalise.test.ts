import { describe, expect, it } from "vitest";
import { arxivIdFrom, foldLine, foldParagraphs, isoTime, splitAuthorList } from "../../../src/core/papers/normalise.ts";
import { safeUrl } from "../../../src/core/safe-url.ts";

describe("arxivIdFrom", () => {
	it.each([
		["2104.12255v1", "2104.12255"],
		["2104.12255", "2104.12255"],
		["2606.13681v12", "2606.13681"],
		["0704.0001", "0704.0001"],
		["arXiv:2104.12255v2", "2104.12255"],
		["oai:arXiv.org:2609.26811v1", "2609.26811"],
		["http://arxiv.org/abs/2104.12255v1", "2104.12255"],
		["https://arxiv.org/pdf/2104.12255v3.pdf", "2104.12255"],
		["https://export.arxiv.org/abs/2104.12255?context=cs", "2104.12255"],
		["astro-ph/0601001", "astro-ph/0601001"],
		["http://arxiv.org/abs/astro-ph/0601001v1", "astro-ph/0601001"],
		["math.GT/0309136v2", "math.GT/0309136"],
		["  2104.12255v1\n", "2104.12255"],
	])("%s -> %s", (raw, id) => {
		expect(arxivIdFrom(raw)).toBe(id);
	});

	it.each([
		"",
		"abc",
		"https://arxiv.org/api/errors#incorrect_id_format_for_abc",
		"2104.1225",
		"0808.05394",
		"2613.12345",
		"../etc/passwd",
		"https://example.org/abs/2104.12255",
	])("rejects %j", (raw) => {
		expect(arxivIdFrom(raw)).toBeNull();
	});
});

describe("folding text", () => {
	it("puts a hard-wrapped title on one line", () => {
		expect(foldLine("LOKI: A Comprehensive Synthetic Data Detection Benchmark using Large\n  Multimodal Models")).toBe(
			"LOKI: A Comprehensive Synthetic Data Detection Benchmark using Large Multimodal Models",
		);
	});

	it("keeps LaTeX and tags as text, drops control characters", () => {
		expect(foldLine("  $O(n^2)$ <swi> \u0007bell\t tab ")).toBe("$O(n^2)$ <swi> bell tab");
	});

	it("joins wrapped abstract lines but keeps indented paragraph starts", () => {
		const raw = "  First line\nwraps here.\n  Second paragraph\nwraps too.\n\nThird.";
		expect(foldParagraphs(raw)).toBe("First line wraps here.\n\nSecond paragraph wraps too.\n\nThird.");
	});

	it("splits an RSS creator list", () => {
		expect(splitAuthorList("Pritam Dey, Zhengwu Zhang,  David B. Dunson")).toEqual([
			"Pritam Dey",
			"Zhengwu Zhang",
			"David B. Dunson",
		]);
		expect(splitAuthorList("Ann Lee and Bo Anderson")).toEqual(["Ann Lee", "Bo Anderson"]);
	});
});

describe("safeUrl", () => {
	it("keeps http and https links", () => {
		expect(safeUrl("https://github.com/AI45Lab/OpenART")).toBe("https://github.com/AI45Lab/OpenART");
		expect(safeUrl(" http://example.org/x ")).toBe("http://example.org/x");
	});

	it.each([
		"javascript:alert(1)",
		"data:text/html,<script>alert(1)</script>",
		"/relative/path",
		"",
		"not a url",
		42,
		null,
	])("drops %j", (raw) => {
		expect(safeUrl(raw)).toBeNull();
	});
});

describe("isoTime", () => {
	it("reads ISO and RFC 822 dates as UTC", () => {
		expect(isoTime("2026-09-25T00:00:00-04:00")).toBe("2026-09-25T04:00:00.000Z");
		expect(isoTime("Thu, 24 Sep 2026 00:00:00 -0400")).toBe("2026-09-24T04:00:00.000Z");
		expect(isoTime("soon")).toBeNull();
		expect(isoTime(undefined)).toBeNull();
	});
});
