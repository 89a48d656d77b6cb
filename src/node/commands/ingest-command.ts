import { readFileSync } from "node:fs";
import * as z from "zod";
import { AppError, isAppError } from "../../core/errors.ts";
import { formatSummary, type IngestRequest, ingest } from "../../core/papers/ingest.ts";
import { paperSource, paperSources, type SourceName, sourceNames } from "../../core/papers/sources/registry.ts";
import { defineCommand, type Options, type Values } from "./command.ts";

const sources = Object.values(paperSources);
/** Every source's flags, which parseArgs must all know; each applies to its own source only. */
const sourceFlags = Object.fromEntries(sources.flatMap((source) => Object.entries(source.flags)));

function usageError(message: string): AppError {
	return new AppError("invalid_input", `${message}\nusage: ${ingestCommand.usage}`);
}

/** The source and flags, checked together: a flag for another source or for fetching alongside --file is a mistake. */
function parseFlags(values: Values, positionals: string[]) {
	const [name, ...extra] = positionals;
	if (!name || extra.length || !sourceNames.includes(name as SourceName)) {
		throw usageError(`say which source to ingest: ${sourceNames.join(", ")}`);
	}
	const source = paperSource(name as SourceName);
	const file = z.string().min(1, "expected a file path").optional();
	const schema = z.object({
		file,
		...Object.fromEntries(Object.entries(sourceFlags).map(([flag, { schema }]) => [flag, schema.optional()])),
	});
	const parsed = schema.safeParse(values);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		const flag = String(issue?.path[0]);
		throw usageError(`--${flag} ${JSON.stringify(values[flag])}: ${issue?.message}`);
	}
	const given = Object.keys(sourceFlags).filter((flag) => values[flag] !== undefined);
	const foreign = given.find((flag) => !(flag in source.flags));
	if (foreign) throw usageError(`--${foreign} does not apply to ingest ${name}`);
	if (parsed.data.file && given.length) {
		throw usageError(`--${given[0]} applies when fetching; --file reads a saved payload as it is`);
	}
	const { file: path, ...flags } = parsed.data as Record<string, string | undefined>;
	return { name: name as SourceName, source, path, flags };
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

const titles = sources.map((source) => source.title);

export const ingestCommand = defineCommand({
	summary: `bring papers in from ${titles.slice(0, -1).join(", ")} or ${titles.at(-1)}`,
	usage: sources
		.map((source) => {
			const flags = Object.values(source.flags).map((flag) => `${flag.usage} `);
			return `paperboy ingest ${source.name} ${flags.join("")}[--file PATH]`;
		})
		.join("\n       "),
	options: {
		file: { type: "string" },
		...Object.fromEntries(Object.keys(sourceFlags).map((flag) => [flag, { type: "string" }])),
	} satisfies Options,
	positionals: true,
	async run(ctx, values, positionals) {
		const { name, source, path, flags } = parseFlags(values, positionals);
		const { deps } = ctx.runtime();
		let request: IngestRequest;
		if (path) {
			request = { source: name, payload: { text: readPayloadFile(path), origin: path } };
		} else {
			let asked: object;
			try {
				asked = source.request(flags, deps.config.ingest.settings, deps.clock.now()) as object;
			} catch (error) {
				if (isAppError(error) && error.code === "invalid_input") throw usageError(error.message);
				throw error;
			}
			request = { source: name, fetch: globalThis.fetch, ...asked } as IngestRequest;
		}
		const summary = await ingest(deps, request, ctx.progress);
		ctx.out(formatSummary(summary));
		if (summary.problem) throw new AppError("unavailable", summary.problem);
	},
});
