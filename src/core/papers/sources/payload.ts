import type * as z from "zod";
import { AppError } from "../../errors.ts";
import { arxivIdFrom, boundPaper } from "../normalise.ts";
import type { NormalisedPaper } from "../paper.ts";

/** What one payload (a file or one response) holds, ready to store. */
export interface ParsedPayload {
	papers: NormalisedPaper[];
	/** Entries in the payload, used or not. */
	entries: number;
	/** Entries left out on purpose, such as RSS replacement announcements. */
	skipped: number;
	/** Entries that could not be used, each with the reason (an id that is no arXiv id). */
	unusable: string[];
}

export const invalidPayload = (problem: string, cause?: unknown) =>
	new AppError("invalid_payload", problem, {}, { cause });

/** The first few schema problems, with where they are: `[3].paper.upvotes: expected number`. */
export function describeIssues(error: z.ZodError, shown = 3): string {
	const lines = error.issues.slice(0, shown).map((issue) => {
		const path = issue.path.map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`)).join("");
		return `${path.replace(/^\./, "") || "(top level)"}: ${issue.message}`;
	});
	const more = error.issues.length > shown ? ` (and ${error.issues.length - shown} more)` : "";
	return `${lines.join("; ")}${more}`;
}

/** Parses with a zod schema; a mismatch is an invalid payload described in `what`'s terms. */
export function parseShape<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
	const result = schema.safeParse(value);
	if (!result.success)
		throw invalidPayload(`${what} does not have the expected shape: ${describeIssues(result.error)}`);
	return result.data;
}

/** How one entry turns into a paper: left out on purpose, or an id plus the paper for it. */
export type EntryReading = { skip: true } | { rawId: string; paper: (id: string) => NormalisedPaper };

/** Reads every entry; ids are folded and fields bounded here so all sources agree. */
export function collectPapers<E>(entries: readonly E[], read: (entry: E) => EntryReading): ParsedPayload {
	const parsed: ParsedPayload = { papers: [], entries: entries.length, skipped: 0, unusable: [] };
	entries.forEach((entry, index) => {
		const reading = read(entry);
		if ("skip" in reading) {
			parsed.skipped++;
			return;
		}
		const id = arxivIdFrom(reading.rawId);
		if (id) parsed.papers.push(boundPaper(reading.paper(id)));
		else parsed.unusable.push(`entry ${index + 1}: "${reading.rawId.slice(0, 80)}" is not an arXiv id`);
	});
	return parsed;
}
