import { describe, expect, it } from "vitest";
import { fieldErrors, manageForm, subscribeForm } from "../../src/core/subscriptions/form-schemas.ts";

function errorsOf(schema: typeof subscribeForm | typeof manageForm, input: Record<string, string>) {
	const parsed = schema.safeParse(input);
	if (parsed.success) throw new Error(`expected errors for ${JSON.stringify(input)}`);
	return fieldErrors(parsed.error);
}

describe("the signup form", () => {
	it("gives each missing or empty field its own message", () => {
		const expected = {
			email: "Enter your email address.",
			keywords: "Add at least one topic, e.g. diffusion models.",
		};
		expect(errorsOf(subscribeForm, {})).toEqual(expected);
		expect(errorsOf(subscribeForm, { email: "   ", keywords: " , ;\n" })).toEqual(expected);
	});

	it("normalises the address and splits, trims and de-duplicates topics", () => {
		const parsed = subscribeForm.parse({
			email: " Reader@Bücher.Example ",
			keywords: ' Diffusion ,diffusion;\n state   space models \r\n"flow, matching"',
		});
		expect(parsed).toEqual({
			email: "Reader@xn--bcher-kva.example",
			keywords: ["Diffusion", "state space models", '"flow, matching"'],
			website: "",
			stamp: "",
		});
	});

	it("refuses line breaks and control characters in the address", () => {
		for (const email of ["a@example.org\r\nBcc: b@example.org", "a@example.org\u0000", "a\u202e@example.org"]) {
			expect(errorsOf(subscribeForm, { email, keywords: "x" }).email).toBe(
				"Contains line breaks or control characters.",
			);
		}
	});

	it("refuses control and bidi characters in topics, but not line breaks or tabs", () => {
		for (const hidden of ["\u0000", "\u001b", "\u007f", "\u009b", "\u200e", "\u202a", "\u2069", "\u2028"]) {
			expect(errorsOf(subscribeForm, { email: "a@example.org", keywords: `x${hidden}y` }).keywords).toBe(
				"Contains control characters.",
			);
		}
		expect(subscribeForm.parse({ email: "a@example.org", keywords: "a\tb\r\nc\rd" }).keywords).toEqual([
			"a b",
			"c",
			"d",
		]);
	});

	it("caps the lengths of the address and the topics", () => {
		expect(errorsOf(subscribeForm, { email: `${"a".repeat(310)}@example.org`, keywords: "x" }).email).toBe(
			"Must be at most 320 characters.",
		);
		expect(errorsOf(subscribeForm, { email: "a@example.org", keywords: "x".repeat(1001) }).keywords).toBe(
			"Keep your topics under 1000 characters.",
		);
	});
});

describe("the manage form", () => {
	it("defaults to weekly and not paused", () => {
		expect(manageForm.parse({ keywords: "diffusion" })).toEqual({
			keywords: ["diffusion"],
			frequency: "weekly",
			paused: false,
			csrf: "",
		});
		expect(manageForm.parse({ keywords: "x", frequency: "daily", paused: "on", csrf: "t" })).toMatchObject({
			frequency: "daily",
			paused: true,
		});
	});

	it("says what is wrong with topics and frequency", () => {
		expect(errorsOf(manageForm, { frequency: "hourly" })).toEqual({
			keywords: "Add at least one topic, e.g. diffusion models.",
			frequency: "Choose weekly or daily.",
		});
		expect(errorsOf(manageForm, { keywords: "-survey" }).keywords).toBe(
			"Add a topic to look for, not only exclusions.",
		);
	});
});
