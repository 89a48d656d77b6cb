import { describe, expect, it } from "vitest";
import { normaliseEmail } from "../../src/core/subscriptions/email.ts";

describe("normaliseEmail", () => {
	it.each([
		["reader@example.org", "reader@example.org"],
		["  Reader@EXAMPLE.Org  ", "Reader@example.org"],
		["user@Bücher.example", "user@xn--bcher-kva.example"],
		["user@BÜCHER.example", "user@xn--bcher-kva.example"],
		["user@xn--bcher-kva.example", "user@xn--bcher-kva.example"],
		["user@例え.テスト", "user@xn--r8jz45g.xn--zckzah"],
		["user@пример.рф", "user@xn--e1afmkfd.xn--p1ai"],
		["user@example。org", "user@example.org"],
		["first.last+tag@sub.example.co.uk", "first.last+tag@sub.example.co.uk"],
		["o'brien@example.ie", "o'brien@example.ie"],
	])("%j becomes %j", (input, expected) => {
		expect(normaliseEmail(input)).toBe(expected);
	});

	it.each([
		"",
		"reader",
		"@example.org",
		"reader@",
		"reader@localhost",
		"reader@example.",
		"reader@example..org",
		".reader@example.org",
		"reader.@example.org",
		"re..ader@example.org",
		"reader@-example.org",
		"reader@example-.org",
		"reader@example.o",
		"reader@.example.org",
		"reader@@example.org",
		"reader@ex ample.org",
		"re ader@example.org",
		"reader@example.org/path",
		"reader@example.org?query",
		"reader@example.org#fragment",
		"reader@example.org:25",
		"reader@user:pass@example.org/",
		"reader@exa%41mple.org",
		"reader@example.org\\",
		"reader@[127.0.0.1]",
		"reader@0x7f.1",
		"<reader@example.org>",
		"Reader <reader@example.org>",
		"reader@example.org, other@example.org",
		"ü@example.org",
		`${"a".repeat(250)}@example.org`,
	])("rejects %j", (input) => {
		expect(normaliseEmail(input)).toBeUndefined();
	});
});
