import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/core/config.ts";
import { boundPaper, fieldLimits, foldLine, foldParagraphs } from "../../src/core/papers/normalise.ts";
import { emptyPaperFields } from "../../src/core/papers/paper.ts";
import { fromSpreadsheetSafe } from "../../src/core/subscriptions/spreadsheet-cells.ts";
import { redactedPath } from "../../src/core/web/redacted-path.ts";
import { hostileText } from "../helpers/hostile.ts";
import { testSecret } from "../helpers/runtime.ts";

// Bidi controls and the other invisible format characters (Unicode category Cf) that may
// not survive ingest; the zero-width (non-)joiners may, as emoji and several scripts need them.
const disguise = /(?![\u200C\u200D])\p{Cf}/u;
const withFormatCharacters = fc
	.array(
		fc.oneof(hostileText, fc.constantFrom("\u202E", "\u2066", "\u200B", "\u00AD", "\uFEFF", "\u{E0041}", "👨\u200D👩")),
	)
	.map((parts) => parts.join(""));

describe("ingested text", () => {
	it("keeps no bidi or format characters, and folding twice changes nothing", () => {
		fc.assert(
			fc.property(withFormatCharacters, (text) => {
				for (const folded of [foldLine(text), foldParagraphs(text)]) expect(folded).not.toMatch(disguise);
				expect(foldLine(foldLine(text))).toBe(foldLine(text));
			}),
		);
	});

	it("is bounded field by field, without splitting a character", () => {
		const long = (max: number) =>
			fc.string({ unit: fc.constantFrom("a", " ", "😀", "é"), minLength: 0, maxLength: max * 2 });
		fc.assert(
			fc.property(
				long(fieldLimits.title),
				fc.array(long(fieldLimits.authorName), { maxLength: 1_500 }),
				(title, authors) => {
					const paper = boundPaper({ ...emptyPaperFields, id: "2401.00001", title, abstract: title, authors });
					expect(paper.title.length).toBeLessThanOrEqual(fieldLimits.title);
					expect(paper.authors.length).toBeLessThanOrEqual(fieldLimits.authors);
					// No lone surrogate: a cut never splits a character in two.
					for (const text of [paper.title, ...paper.authors])
						expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
					if (title.length <= fieldLimits.title) expect(paper.title).toBe(title);
				},
			),
			{ numRuns: 50 },
		);
	});
});

describe("an exported CSV cell", () => {
	it("never starts a formula, and reads back as it was", () => {
		const cell = fc.oneof(
			hostileText,
			fc
				.tuple(fc.constantFrom("=", "+", "-", "@", "\t", "\r", "'", "\uFF1D", "'="), hostileText)
				.map(([a, b]) => a + b),
		);
		fc.assert(
			fc.property(fc.array(cell, { minLength: 1, maxLength: 4 }), (cells) => {
				fc.pre(!cells.some((c) => /^'[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(c)));
				const [row] = parse(stringify([cells], { escape_formulas: true })) as string[][];
				for (const written of row ?? []) expect(written).not.toMatch(/^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/);
				expect(row?.map(fromSpreadsheetSafe)).toEqual(cells);
			}),
		);
	});
});

describe("a logged request path", () => {
	it("never carries a link token", () => {
		const token = fc.string({
			unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
			minLength: 43,
			maxLength: 43,
		});
		const route = fc.constantFrom("/manage/", "/unsubscribe/", "/confirm/", "/data/", "/feed/", "/manage/x/");
		fc.assert(
			fc.property(route, token, fc.constantFrom("", "/", "/data.json", "/delete", ".xml"), (prefix, t, suffix) => {
				expect(redactedPath(`${prefix}${t}${suffix}`)).not.toContain(t);
			}),
		);
	});
});

describe("settings", () => {
	it("refuse a SECRET from few characters, and accept any random hex one", () => {
		const few = fc
			.tuple(
				fc.array(fc.constantFrom(..." abcxyz0"), { minLength: 1, maxLength: 7 }),
				fc.integer({ min: 32, max: 128 }),
			)
			.chain(([alphabet, length]) => fc.array(fc.constantFrom(...alphabet), { minLength: length, maxLength: length }));
		fc.assert(
			fc.property(few, (chars) => {
				expect(() => parseConfig({ SECRET: chars.join("") })).toThrow(/SECRET: looks guessable/);
			}),
		);
		const hex = fc.uint8Array({ minLength: 16, maxLength: 64 }).map((b) => Buffer.from(b).toString("hex"));
		fc.assert(
			fc.property(hex, (secret) => void parseConfig({ SECRET: secret })),
			{ numRuns: 300 },
		);
	});

	it("refuse a MAIL_FROM that carries a line break or a second address", () => {
		fc.assert(
			fc.property(
				hostileText,
				fc.constantFrom("\r\nBcc: x@example.org", "\nX-Probe: 1", ", x@example.org", "; x@example.org"),
				(name, extra) => {
					const from = `${name} <digest@paperboy.example>${extra}`;
					expect(() => parseConfig({ SECRET: testSecret, MAIL_FROM: from })).toThrow(/MAIL_FROM/);
				},
			),
		);
	});
});
