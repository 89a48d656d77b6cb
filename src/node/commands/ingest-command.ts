import { readFileSync } from "node:fs";
import * as z from "zod";
import { AppError } from "../../core/errors.ts";
import {
	arxivDefaultWindowDays,
	formatSummary,
	type IngestRequest,
	ingest,
	type SourceName,
	sourceNames,
} from "../../core/papers/ingest.ts";
import { defineCommand, type Values } from "./command.ts";

const fetchFlags: Record<SourceName, readonly string[]> = { hf: ["date"], arxiv: ["query", "from"], rss: ["category"] };

const day = z
	.string()
	.regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date as YYYY-MM-DD, e.g. 2026-06-12")
	.refine((d) => {
		const time = Date.parse(`${d}T00:00:00Z`);
		return !Number.isNaN(time) && new Date(time).toISOString().startsWith(d);
	}, "not a date on the calendar");
const flagsSchema = z.object({
	file: z.string().min(1, "expected a file path").optional(),
	date: day.optional(),
	from: day.optional(),
	query: z.string().trim().min(1, "expected an arXiv query, e.g. cat:cs.LG").max(1000).optional(),
	category: z
		.string()
		.regex(
			/^[a-z-]+(\.[A-Za-z-]+)?(\+[a-z-]+(\.[A-Za-z-]+)?)*$/,
			"expected arXiv categories, e.g. cs.LG or cs.LG+stat.ML",
		)
		.optional(),
});

function usageError(message: string): AppError {
	return new AppError("invalid_input", `${message}\nusage: ${ingestCommand.usage}`);
}

/** The source and flags, checked together: a flag for another source or for fetching alongside --file is a mistake. */
function parseFlags(values: Values, positionals: string[]) {
	const [source, ...extra] = positionals;
	if (!source || extra.length || !sourceNames.includes(source as SourceName)) {
		throw usageError(`say which source to ingest: ${sourceNames.join(", ")}`);
	}
	const name = source as SourceName;
	const parsed = flagsSchema.safeParse(values);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		const flag = String(issue?.path[0]);
		throw usageError(`--${flag} ${JSON.stringify(values[flag])}: ${issue?.message}`);
	}
	const given = Object.keys(fetchFlags)
		.flatMap((s) => fetchFlags[s as SourceName])
		.filter((flag) => values[flag] !== undefined);
	const foreign = given.find((flag) => !fetchFlags[name].includes(flag));
	if (foreign) throw usageError(`--${foreign} does not apply to ingest ${name}`);
	if (parsed.data.file && given.length) {
		throw usageError(`--${given[0]} applies when fetching; --file reads a saved payload as it is`);
	}
	return { source: name, ...parsed.data };
}

function readPayloadFile(path: string): string {
	try {
		// A BOM from an editor would make valid JSON unreadable.
		return readFileSync(path, "utf8").replace(/^\uFEFF/, "");
	} catch (error) {
		const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message;
		throw new AppError("invalid_input", `cannot read ${path}: ${reason}`);
	}
}

export const ingestCommand = defineCommand({
	summary: "bring papers in from Hugging Face Daily Papers, the arXiv API or arXiv RSS",
	usage: [
		"paperboy ingest hf [--date YYYY-MM-DD] [--file PATH]",
		"       paperboy ingest arxiv [--query Q] [--from YYYY-MM-DD] [--file PATH]",
		"       paperboy ingest rss [--category cs.LG] [--file PATH]",
	].join("\n"),
	options: {
		file: { type: "string" },
		date: { type: "string" },
		query: { type: "string" },
		from: { type: "string" },
		category: { type: "string" },
	},
	positionals: true,
	async run(ctx, values, positionals) {
		const flags = parseFlags(values, positionals);
		const { deps } = ctx.runtime();
		const fetch = globalThis.fetch;
		const now = deps.clock.now();
		let request: IngestRequest;
		if (flags.file) {
			request = { source: flags.source, payload: { text: readPayloadFile(flags.file), origin: flags.file } };
		} else if (flags.source === "hf") {
			request = { source: "hf", fetch, date: flags.date };
		} else if (flags.source === "arxiv") {
			const from = flags.from
				? new Date(`${flags.from}T00:00:00Z`)
				: new Date(now.getTime() - arxivDefaultWindowDays * 86_400_000);
			if (from > now) throw usageError(`--from ${flags.from} is in the future`);
			request = { source: "arxiv", fetch, query: flags.query ?? deps.config.ingest.arxivQuery, from };
		} else {
			request = { source: "rss", fetch, category: flags.category ?? deps.config.ingest.rssCategories };
		}
		const summary = await ingest(deps, request, ctx.progress);
		ctx.out(formatSummary(summary));
		if (summary.problem) throw new AppError("unavailable", summary.problem);
	},
});
