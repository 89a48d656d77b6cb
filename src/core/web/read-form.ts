import type { Context } from "hono";

/**
 * Reads a urlencoded or multipart body as plain strings (first value per name; files and
 * unparseable bodies become empty), so zod sees only strings and bad bodies become 4xx.
 */
export async function readForm(c: Context): Promise<Record<string, string>> {
	let body: Record<string, unknown>;
	try {
		body = await c.req.parseBody({ all: true });
	} catch {
		return {};
	}
	const fields: Record<string, string> = {};
	for (const [name, value] of Object.entries(body)) {
		const first = Array.isArray(value) ? value[0] : value;
		if (typeof first === "string") fields[name] = first;
	}
	return fields;
}
