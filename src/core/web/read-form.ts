import type { Context } from "hono";

async function parsed(c: Context): Promise<Record<string, unknown>> {
	try {
		return await c.req.parseBody({ all: true });
	} catch {
		return {};
	}
}

/**
 * Reads a urlencoded or multipart body as plain strings (first value per name; files and
 * unparseable bodies become empty), so zod sees only strings and bad bodies become 4xx.
 */
export async function readForm(c: Context): Promise<Record<string, string>> {
	const fields: Record<string, string> = {};
	for (const [name, value] of Object.entries(await parsed(c))) {
		const first = Array.isArray(value) ? value[0] : value;
		if (typeof first === "string") fields[name] = first;
	}
	return fields;
}

/** An uploaded file: its name as the browser gave it, and its bytes. */
export interface Upload {
	name: string;
	bytes: Uint8Array;
}

/** The first file sent under `name` in a multipart body; undefined when none was chosen (empty). */
export async function readUpload(c: Context, name: string): Promise<Upload | undefined> {
	const value = (await parsed(c))[name];
	const first = Array.isArray(value) ? value[0] : value;
	if (typeof first !== "object" || first === null || !("arrayBuffer" in first)) return undefined;
	const file = first as File;
	if (!file.size && !file.name) return undefined;
	return { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
}
