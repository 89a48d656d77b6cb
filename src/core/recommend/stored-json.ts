/** Reading back the JSON the recommender stores in TEXT columns (paper terms, queries, profiles). */
import type * as z from "zod";
import { AppError } from "../errors.ts";

export const malformed = (what: string, detail: string) =>
	new AppError("invalid_payload", `stored ${what} is malformed: ${detail}`);

/** JSON.parse; text that is not JSON is an invalid_payload AppError naming `what`. */
export function parseStored(text: string, what: string): unknown {
	try {
		return JSON.parse(text);
	} catch (cause) {
		throw new AppError("invalid_payload", `stored ${what} is not JSON`, {}, { cause });
	}
}

/** Parses and checks stored JSON with a schema; a malformed value is an invalid_payload AppError. */
export function decodeStored<T>(schema: z.ZodType<T>, text: string, what: string): T {
	const parsed = schema.safeParse(parseStored(text, what));
	if (!parsed.success) throw malformed(what, parsed.error.message);
	return parsed.data;
}
