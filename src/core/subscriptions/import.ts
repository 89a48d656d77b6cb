import * as z from "zod";
import { findReadersByEmails, insertImportedReaders } from "../db/subscribers.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../errors.ts";
import { emailField, keywordsField } from "./form-schemas.ts";
import { ensureLinkTokens } from "./link-tokens.ts";

export interface ImportRow {
	/** Where the row is in the file, for error messages. */
	line: number;
	email: string;
	keywords: string;
}

const importRow = z.object({ email: emailField, keywords: keywordsField });

export const importFormVersion = "import-csv-v1";

/**
 * Adds readers who consented elsewhere (consent source `import`) as active. Every row is
 * checked first; one bad row rejects the whole file with every problem listed, and
 * nothing is written. Addresses already on file are left untouched.
 */
export async function importReaders(
	deps: Deps,
	rows: readonly ImportRow[],
): Promise<{ added: number; existing: number }> {
	const problems: string[] = [];
	const valid: { email: string; keywords: string[] }[] = [];
	const seen = new Map<string, number>();
	for (const row of rows) {
		const parsed = importRow.safeParse(row);
		if (!parsed.success) {
			for (const issue of parsed.error.issues)
				problems.push(`line ${row.line}: ${String(issue.path[0])}: ${issue.message}`);
			continue;
		}
		const key = parsed.data.email.toLowerCase();
		const first = seen.get(key);
		if (first !== undefined) problems.push(`line ${row.line}: ${parsed.data.email} already appears on line ${first}`);
		else seen.set(key, row.line);
		valid.push(parsed.data);
	}
	if (problems.length) {
		const shown = problems.slice(0, 20).join("\n  ");
		const more = problems.length > 20 ? `\n  … and ${problems.length - 20} more` : "";
		throw new AppError("invalid_input", `nothing imported; fix these rows:\n  ${shown}${more}`);
	}
	const now = deps.clock.now().toISOString();
	const consent = { at: now, ip: null, userAgent: null, formVersion: importFormVersion, source: "import" };
	const added = await insertImportedReaders(
		deps.db,
		valid.map((r) => ({
			email: r.email,
			keywords: r.keywords,
			manageSalt: deps.random.token(),
			consent,
			timezone: deps.config.timeZone,
		})),
	);
	const stored = await findReadersByEmails(
		deps.db,
		valid.map((r) => r.email),
	);
	await ensureLinkTokens(
		deps,
		stored.filter((reader) => reader.consent.source === "import"),
	);
	return { added, existing: valid.length - added };
}
