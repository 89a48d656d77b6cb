/** Reading back the JSON the recommender stores in TEXT columns (paper terms, queries, votes). */
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
