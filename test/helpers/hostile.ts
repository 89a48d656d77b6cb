import fc from "fast-check";
import { expect } from "vitest";

/**
 * Pieces of hostile input: markup that would create an element or an attribute if it
 * reached a page unescaped (all marked `x-probe`), header injection, template slots,
 * controls, bidi overrides, topic prefixes, and ordinary topic words so that some inputs
 * are valid.
 */
const fragments = fc.constantFrom(
	"<x-probe>",
	"</textarea><x-probe>",
	'" x-probe="1',
	"' x-probe='1",
	"<script>x-probe()</script>",
	"\r\nBcc: x-probe@example.net",
	"{{subject}}",
	"{{{keywords}}}",
	"&amp;",
	"&",
	"\u0000",
	"\u202e",
	"\u0085",
	",",
	"\n",
	'"',
	"-",
	" OR ",
	// Topic prefixes, known and unknown (issue 12): they must stay form errors or filters, never FTS5 syntax.
	"author:",
	'author:"',
	"cat:",
	"cat:cs.*",
	"-cat:",
	"foo:",
	"@",
	"%0d%0a",
	"diffusion",
	"state space models",
	"Bücher",
	"例え",
	"😀",
);

/** Any string: arbitrary code points, or hostile fragments mixed with arbitrary text. */
export const hostileText = fc.oneof(
	fc.string({ unit: "grapheme", maxLength: 40 }),
	fc.string({ unit: "binary", maxLength: 40 }),
	fc
		.array(fc.oneof(fragments, fragments, fc.string({ maxLength: 8 })), { maxLength: 10 })
		.map((parts) => parts.join("")),
);

/** Topics, often a valid list (so the email path runs) with markup inside. */
export const hostileKeywords = fc.oneof(
	hostileText,
	fc.array(fc.oneof(fragments, hostileText), { minLength: 1, maxLength: 4 }).map((topics) => topics.join(", ")),
	fc.array(fragments, { minLength: 1, maxLength: 6 }).map((parts) => `diffusion ${parts.join(" ")}`),
);

/** An address that is sometimes valid, sometimes hostile. */
export const hostileEmail = fc.oneof(
	fc.nat({ max: 10_000 }).map((n) => `p${n}@example.org`),
	fc.tuple(hostileText, fc.constantFrom("@example.org", "@Bücher.example", "")).map(([a, b]) => a + b),
	hostileText,
);

/** Fails when a page or an email carries input-made markup instead of its escaped text. */
export function expectNoInjectedMarkup(body: string, what: string): void {
	expect(body.includes("<x-probe"), `${what}: element from input`).toBe(false);
	expect(/x-probe=["']/.test(body), `${what}: attribute from input`).toBe(false);
	expect(body.includes("<script>x-probe"), `${what}: script from input`).toBe(false);
}
