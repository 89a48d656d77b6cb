import { describe, expect, it } from "vitest";
import { authorKey, authorNameMatches } from "../../../src/core/papers/author-names.ts";

const key = (name: string) => authorKey(name) ?? expect.unreachable(`no key for ${name}`);
const matches = (asked: string, author: string) => authorNameMatches(key(asked), key(author));

describe("author names as keys", () => {
	it.each([
		["Albert Gu", { last: "gu", given: ["albert"] }],
		["Aurora Ramírez", { last: "ramirez", given: ["aurora"] }],
		["Rafał Kocielnik", { last: "kocielnik", given: ["rafal"] }],
		["Katharina Götz", { last: "gotz", given: ["katharina"] }],
		["Ji-Rong Wen", { last: "wen", given: ["jirong"] }],
		["J.-R. Wen", { last: "wen", given: ["j"] }],
		["R. Michael Alvarez", { last: "alvarez", given: ["r", "michael"] }],
		["Cees G. M. Snoek", { last: "snoek", given: ["cees", "g", "m"] }],
		["Fons van der Sommen", { last: "sommen", given: ["fons"] }],
		["Martin Luther King Jr.", { last: "king", given: ["martin", "luther"] }],
		["Gu, Albert", { last: "gu", given: ["albert"] }],
		["Callum Birch-Sykes", { last: "birchsykes", given: ["callum"] }],
	])("%s folds to %j", (name, expected) => {
		expect(authorKey(name)).toEqual(expected);
	});

	it("has no key for a name without letters", () => {
		expect(authorKey(" . - ")).toBeUndefined();
	});
});

describe("which authors a name asked for matches", () => {
	it.each([
		["Albert Gu", "Albert Gu", true],
		["albert GU", "Albert Gu", true],
		["Albert Gu", "A. Gu", true],
		["A. Gu", "Albert Gu", true],
		["A. Gu", "Anna Gu", true],
		["Albert Gu", "Anna Gu", false],
		["Gu", "Albert Gu", true],
		["Gu", "Shuyang Guo", false],
		["Gu", "Guanting Dong", false],
		["H. Li", "Hongsheng Li", true],
		["H. Li", "Yong-Lu Li", false],
		["H. Li", "Z. Li", false],
		["Michael Alvarez", "R. Michael Alvarez", true],
		["David Dunson", "David B. Dunson", true],
		["Michael I. Jordan", "Michael Jordan", true],
		["Frank Wang", "Yu-Chiang Frank Wang", true],
		["Ji-Rong Wen", "Jirong Wen", true],
		["J. Wen", "Ji-Rong Wen", true],
		["Aurora Ramirez", "Aurora Ramírez", true],
		["Gotz", "Katharina Götz", true],
		["Rafal Kocielnik", "Rafał Kocielnik", true],
	])("%s matches %s: %s", (asked, author, expected) => {
		expect(matches(asked, author)).toBe(expected);
	});
});
