import * as z from "zod";
import { keywordLimits, nothingToSearch, parseKeywords, splitKeywords } from "../topics/parse.ts";
import { normaliseEmail } from "./email.ts";
import { frequencies } from "./reader.ts";

// C0/C1 controls, DEL, Unicode line separators, and bidi controls (overrides, isolates and
// marks, which can disguise text in a page or mail).
const forbiddenChars = /[\p{Cc}\p{Bidi_Control}\u2028\u2029]/u;
// The keywords textarea takes line breaks (one topic per line; they never reach storage).
const forbiddenInTextarea = /(?![\t\n\r])[\p{Cc}\p{Bidi_Control}\u2028\u2029]/u;

const field = (max: number) =>
	z
		.string()
		.max(max, `Must be at most ${max} characters.`)
		.refine((v) => !forbiddenChars.test(v), "Contains line breaks or control characters.");

export const emailField = field(320).transform((value, ctx) => {
	if (!value.trim()) {
		ctx.addIssue({ code: "custom", message: "Enter your email address." });
		return z.NEVER;
	}
	const email = normaliseEmail(value);
	if (!email) {
		ctx.addIssue({ code: "custom", message: "Enter a valid email address, like name@example.org." });
		return z.NEVER;
	}
	return email;
});

/** The keywords textarea: topics separated by commas or lines, each one searchable. */
export const keywordsField = z
	.string()
	.max(keywordLimits.maxTotalLength, `Keep your topics under ${keywordLimits.maxTotalLength} characters.`)
	.refine((v) => !forbiddenInTextarea.test(v), "Contains control characters.")
	.transform((value, ctx) => {
		const keywords = splitKeywords(value);
		if (!keywords.length) {
			ctx.addIssue({ code: "custom", message: "Add at least one topic, e.g. diffusion models." });
			return z.NEVER;
		}
		if (keywords.length > keywordLimits.maxKeywords) {
			ctx.addIssue({ code: "custom", message: `Use at most ${keywordLimits.maxKeywords} topics.` });
			return z.NEVER;
		}
		const tooLong = keywords.find((k) => k.length > keywordLimits.maxKeywordLength);
		if (tooLong) {
			ctx.addIssue({
				code: "custom",
				message: `Each topic must be at most ${keywordLimits.maxKeywordLength} characters.`,
			});
			return z.NEVER;
		}
		const parsed = parseKeywords(keywords);
		if (parsed.problems.length) {
			const list = parsed.problems.map((p) => `"${p.keyword}" ${p.reason}`).join("; ");
			const empty = parsed.problems.every((p) => p.reason === nothingToSearch);
			ctx.addIssue({
				code: "custom",
				message: `${empty ? "This topic cannot match any paper" : "Check this topic"}: ${list}.`,
			});
			return z.NEVER;
		}
		if (!parsed.topics.length) {
			ctx.addIssue({ code: "custom", message: "Add a topic to look for, not only exclusions." });
			return z.NEVER;
		}
		return keywords;
	});

// A field missing from the body reads as empty, so it gets the field's own message
// ("Enter your email address") rather than zod's "expected string, received undefined".
export const subscribeForm = z.object({
	email: emailField.prefault(""),
	keywords: keywordsField.prefault(""),
	// Bot defences: a field people never see, and a signed render time.
	website: z.string().max(1000).default(""),
	stamp: z.string().max(200).default(""),
});

export const manageForm = z.object({
	keywords: keywordsField.prefault(""),
	frequency: z.enum(frequencies, { message: "Choose weekly or daily." }).default("weekly"),
	paused: z
		.enum(["on", "true", "1"])
		.optional()
		.transform((v) => v !== undefined),
	csrf: z.string().max(200).default(""),
});

export const deleteForm = z.object({
	csrf: z.string().max(200).default(""),
	// The checkbox is `required` in the page; the server asks for it too (manage-subscription.ts).
	confirm: z.string().max(10).default(""),
});

/** A feedback link's paper and vote; `none` undoes the vote. */
export const voteForm = z.object({
	paper: z.string().min(1, "This link names no paper.").max(200, "This link names no paper."),
	vote: z.enum(["like", "dislike", "none"], { message: "This link is incomplete: it says neither 👍 nor 👎." }),
});

/** Papers to add to the profile on the manage page: pasted arXiv ids, links or BibTeX. */
export const profileAddForm = z.object({
	csrf: z.string().max(200).default(""),
	papers: z.string().max(20_000, "Paste at most 20,000 characters at a time.").default(""),
});

/** One paper to take out of the profile. */
export const profileRemoveForm = z.object({
	csrf: z.string().max(200).default(""),
	paper: z.string().max(200).default(""),
});

export type SubscribeForm = z.infer<typeof subscribeForm>;
export type ManageForm = z.infer<typeof manageForm>;
export type DeleteForm = z.infer<typeof deleteForm>;
export type VoteForm = z.infer<typeof voteForm>;

/** Turns zod issues into one message per form field, for re-rendering the form. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
	const fields: Record<string, string> = {};
	for (const issue of error.issues) {
		const key = String(issue.path[0] ?? "form");
		fields[key] ??= issue.message;
	}
	return fields;
}
