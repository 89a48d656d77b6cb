import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { AppError } from "../../core/errors.ts";
import { normaliseEmail } from "../../core/subscriptions/email.ts";
import { exportReaders } from "../../core/subscriptions/export-readers.ts";
import { readerByEmail } from "../../core/subscriptions/find-reader.ts";
import { forgetReader } from "../../core/subscriptions/forget-reader.ts";
import { type ImportRow, importReaders } from "../../core/subscriptions/import.ts";
import { type ReaderStatus, readerStatuses } from "../../core/subscriptions/reader.ts";
import { fromSpreadsheetSafe } from "../../core/subscriptions/spreadsheet-cells.ts";
import { allowAddress, suppressAddress, suppressionReasons } from "../../core/subscriptions/suppress.ts";
import { defineCommand } from "./command.ts";

function requireEmail(value: string | boolean | undefined): string {
	const email = normaliseEmail(typeof value === "string" ? value : "");
	if (!email) throw new AppError("invalid_input", "--email ADDRESS is required and must be an email address");
	return email;
}

function readCsv(file: string): ImportRow[] {
	let text: string;
	try {
		text = readFileSync(file, "utf8");
	} catch (error) {
		throw new AppError("invalid_input", `${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
	}
	let records: Record<string, string>[];
	try {
		records = parse(text, {
			columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()),
			bom: true,
			skip_empty_lines: true,
		});
	} catch (error) {
		throw new AppError("invalid_input", `${file}: not valid CSV: ${(error as Error).message}`);
	}
	const first = records[0];
	if (first && !("email" in first && "keywords" in first)) {
		throw new AppError("invalid_input", `${file}: the header must have the columns email,keywords`);
	}
	// Line numbers count the header as line 1. Cells `export` wrote safe for spreadsheets read back as they were.
	return records.map((r, i) => ({
		line: i + 2,
		email: fromSpreadsheetSafe(r.email ?? ""),
		keywords: fromSpreadsheetSafe(r.keywords ?? ""),
	}));
}

function requireStatuses(value: string | boolean | undefined): ReaderStatus[] | undefined {
	if (value === undefined) return undefined;
	const given = String(value)
		.split(",")
		.map((s) => s.trim());
	const statuses = readerStatuses.filter((s) => given.includes(s));
	if (!given.length || statuses.length !== given.length) {
		throw new AppError("invalid_input", `--status takes one or more of ${readerStatuses.join(", ")}, comma-separated`);
	}
	return statuses;
}

export const importCommand = defineCommand({
	summary: "add readers who consented elsewhere from a CSV file (columns email,keywords)",
	usage: "paperboy import --file readers.csv",
	options: { file: { type: "string" } },
	async run(ctx, values) {
		if (typeof values.file !== "string") throw new AppError("invalid_input", "--file PATH is required");
		const rows = readCsv(values.file);
		const { deps } = ctx.runtime();
		const result = await importReaders(deps, rows);
		ctx.out(
			`import: ${rows.length} rows, ${result.added} readers added, ${result.existing} already subscribed (unchanged)`,
		);
	},
});

export const exportCommand = defineCommand({
	summary: "write readers as CSV (email,keywords,status,frequency,…) to stdout",
	usage: "paperboy export [--email ADDRESS] [--status active,paused,pending,unsubscribed]",
	options: { email: { type: "string" }, status: { type: "string" } },
	async run(ctx, values) {
		const email = values.email === undefined ? undefined : requireEmail(values.email);
		const statuses = requireStatuses(values.status);
		const { deps } = ctx.runtime();
		const table = await exportReaders(deps, { email, statuses });
		// A cell a spreadsheet would run as a formula is written as text (spreadsheet-cells.ts).
		process.stdout.write(stringify([table.columns, ...table.rows], { escape_formulas: true }));
	},
});

export const forget = defineCommand({
	summary: "delete a reader and everything we hold about them",
	usage: "paperboy forget --email ADDRESS",
	options: { email: { type: "string" } },
	async run(ctx, values) {
		const email = requireEmail(values.email);
		const { deps } = ctx.runtime();
		await forgetReader(deps, await readerByEmail(deps, email));
		ctx.out(`forget: deleted ${email}, their tokens and their digest history`);
	},
});

export const suppress = defineCommand({
	summary: "never send to an address again (bounce or complaint reports), or --remove",
	usage: "paperboy suppress --email ADDRESS [--reason bounce|complaint|manual] [--remove]",
	options: { email: { type: "string" }, reason: { type: "string" }, remove: { type: "boolean" } },
	async run(ctx, values) {
		const email = requireEmail(values.email);
		const reason = suppressionReasons.find((r) => r === (values.reason ?? "manual"));
		if (!reason) throw new AppError("invalid_input", "--reason must be bounce, complaint or manual");
		const { deps } = ctx.runtime();
		if (values.remove) {
			ctx.out(
				(await allowAddress(deps, email))
					? `suppress: ${email} may receive mail again`
					: `suppress: ${email} was not suppressed`,
			);
			return;
		}
		await suppressAddress(deps, { email, reason, detail: "added by paperboy suppress" });
		ctx.out(`suppress: ${email} will get no more mail (${reason})`);
	},
});
