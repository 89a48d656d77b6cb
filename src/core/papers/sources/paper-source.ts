/**
 * What a paper source is to the rest of paperboy: a name, how to parse what it sends,
 * how to fetch it (one URL, or pages), what `paperboy ingest NAME` takes, what the daily
 * schedule fetches, and the settings it reads. Ingest, the settings and the CLI read
 * the list in registry.ts, so a new source is a file like hf.ts plus one line there.
 */
import * as z from "zod";
import type { FetchPolicy } from "../fetch-source.ts";
import type { ParsedPayload } from "./payload.ts";

/** A saved payload or a response body; `origin` (a file path, a URL) names it in error messages. */
export interface Payload {
	text: string;
	origin: string;
}

/** What a source's `ingest` works with: fetching (politely, by the source's policy) and storing. */
export interface SourceRun {
	now: Date;
	/** The body of a successful answer to GET `url`; any other answer throws. */
	fetchPayload(url: string): Promise<Payload>;
	/** Parses a payload whole with `parse`; a problem is reported with the payload's name in front. */
	parse<T>(payload: Payload, parse: (text: string) => T): T;
	/** Stores a parsed payload's papers in one go and counts them in the summary. */
	store(parsed: ParsedPayload): Promise<void>;
	progress(message: string): void;
	sleep(ms: number): Promise<void>;
	warn(message: string, fields: Record<string, unknown>): void;
	/** Reports that the run stopped early after storing part of what it fetched. */
	stoppedEarly(problem: string): void;
}

/** A `paperboy ingest NAME` flag: how it is written in the usage line, and what its value must be. */
export interface SourceFlag {
	usage: string;
	schema: z.ZodType<string, string>;
}

/** A source's settings as read, from its `settings` shape. */
export type SettingsOf<Shape> = { [K in keyof Shape]: z.output<Shape[K]> };

export interface PaperSource<Request = unknown, Settings extends z.ZodRawShape = z.ZodRawShape> {
	name: string;
	/** As the CLI's help names it: "Hugging Face Daily Papers". */
	title: string;
	/** The Accept header of its requests. */
	accept: string;
	/** Retries and timeouts, when the source asks for gentler ones than the default. */
	fetchPolicy?: FetchPolicy;
	/** Its refusals (4xx) come in its own format, which `parse` turns into an error in its words (arXiv's error feed). */
	explainsRefusals?: boolean;
	/** Settings (environment variables) the source reads, each with its default. */
	settings: Settings;
	/** One payload, checked whole: papers, or an invalid_payload error saying what is wrong. */
	parse(text: string): ParsedPayload;
	/** Its flags for `paperboy ingest NAME` (besides --file), and the request they ask for. */
	flags: Record<string, SourceFlag>;
	request(flags: Readonly<Record<string, string | undefined>>, settings: SettingsOf<Settings>, now: Date): Request;
	/** What the daily ingest job fetches. */
	scheduled(settings: SettingsOf<Settings>, now: Date): Request[];
	/** Fetches a request and stores what comes, payload by payload. */
	ingest(run: SourceRun, request: Request): Promise<void>;
}

/** For a source whose request is one URL: fetched, parsed and stored whole. */
export const singlePayload =
	<Request>(url: (request: Request) => string, parse: (text: string) => ParsedPayload) =>
	async (run: SourceRun, request: Request): Promise<void> => {
		await run.store(run.parse(await run.fetchPayload(url(request)), parse));
	};

/** A calendar day as `--date` and `--from` take it. */
export const dayFlag = z
	.string()
	.regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date as YYYY-MM-DD, e.g. 2026-06-12")
	.refine((d) => {
		const time = Date.parse(`${d}T00:00:00Z`);
		return !Number.isNaN(time) && new Date(time).toISOString().startsWith(d);
	}, "not a date on the calendar");

/** Defines a source, keeping its request and settings types for the registry. */
export const defineSource = <Request, Settings extends z.ZodRawShape>(source: PaperSource<Request, Settings>) => source;
