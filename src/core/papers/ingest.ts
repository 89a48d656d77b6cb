/**
 * Brings papers in from a source, from a saved payload or over the network. Each payload
 * (a file, one response, one arXiv page) is parsed and checked whole before anything is
 * written, then stored in one statement: it is applied entirely or not at all. What is
 * particular to a source lives in its entry in sources/registry.ts.
 */
import { finishJobRun, lastJobFinishedAt, startJobRun } from "../db/job-runs.ts";
import type { Deps } from "../deps.ts";
import { AppError, isAppError } from "../errors.ts";
import { defaultFetchPolicy, type Fetch, fetchText } from "./fetch-source.ts";
import { recordSourceIngest } from "./source-alarms.ts";
import type { Payload, SourceRun } from "./sources/paper-source.ts";
import type { ParsedPayload } from "./sources/payload.ts";
import { paperSource, type RequestOf, type SourceName } from "./sources/registry.ts";
import { storePapers } from "./store.ts";

export type IngestDeps = Pick<Deps, "db" | "clock" | "random" | "config" | "log">;

export interface IngestSummary {
	source: SourceName;
	/** Entries read from the source, used or not. */
	fetched: number;
	new: number;
	updated: number;
	/** Entries left out on purpose: RSS replacements, the same id twice in one payload. */
	skipped: number;
	/** Entries that could not be used, plus a failed fetch. */
	errors: number;
	/** Why the run stopped early after storing part of what it fetched. */
	problem?: string;
}

/** A request to fetch from a source: its name, how to reach the network, and what the source takes. */
export type FetchRequest = { [S in SourceName]: { source: S; fetch: Fetch } & RequestOf<S> }[SourceName];

export type IngestRequest = { source: SourceName; payload: Payload } | FetchRequest;

export type Progress = (message: string) => void;

const day = 86_400_000;

export const emptySummary = (source: SourceName): IngestSummary => ({
	source,
	fetched: 0,
	new: 0,
	updated: 0,
	skipped: 0,
	errors: 0,
});

/** `ingest hf: 30 fetched, 30 new, 0 updated, 0 skipped, 0 errors` */
export const formatSummary = (s: IngestSummary) =>
	`ingest ${s.source}: ${s.fetched} fetched, ${s.new} new, ${s.updated} updated, ${s.skipped} skipped, ${s.errors} errors`;

/**
 * One ingest run. A payload that cannot be read throws and changes nothing; when a later
 * arXiv page fails after earlier ones were stored, the summary says so in `problem`.
 */
export async function ingest(
	deps: IngestDeps,
	request: IngestRequest,
	progress: Progress = () => {},
): Promise<IngestSummary> {
	const summary = emptySummary(request.source);
	const source = paperSource(request.source);
	if ("payload" in request) {
		progress(`ingest ${request.source}: reading ${request.payload.origin}`);
		await apply(deps, summary, parseNamed(source.parse, request.payload));
		return summary;
	}
	const { source: _, fetch, ...sourceRequest } = request;
	await source.ingest(sourceRun(deps, summary, fetch, progress), sourceRequest);
	return summary;
}

/** Parses a payload; a problem is reported with the payload's name in front. */
function parseNamed<T>(parse: (text: string) => T, payload: Payload): T {
	try {
		return parse(payload.text);
	} catch (error) {
		if (!isAppError(error)) throw error;
		throw new AppError(error.code, `${payload.origin}: ${error.message}`, error.fields, { cause: error });
	}
}

async function apply(
	deps: IngestDeps,
	summary: IngestSummary,
	parsed: ParsedPayload,
	batch?: Set<string>,
): Promise<void> {
	for (const paper of parsed.papers) batch?.add(paper.id);
	const distinct = new Set(parsed.papers.map((paper) => paper.id)).size;
	const stored = distinct ? await storePapers(deps, parsed.papers, summary.source) : { new: 0, updated: 0 };
	summary.fetched += parsed.entries;
	summary.new += stored.new;
	summary.updated += stored.updated;
	summary.skipped += parsed.skipped + (parsed.papers.length - distinct);
	summary.errors += parsed.unusable.length;
	for (const reason of parsed.unusable) deps.log.warn(`ingest ${summary.source}: entry left out`, { reason });
}

/** What a source's `ingest` gets to work with, counting into `summary` (and the ids stored into `batch`). */
function sourceRun(
	deps: IngestDeps,
	summary: IngestSummary,
	fetch: Fetch,
	progress: Progress,
	batch?: Set<string>,
): SourceRun {
	const source = paperSource(summary.source);
	return {
		now: deps.clock.now(),
		async fetchPayload(url) {
			progress(`ingest ${summary.source}: fetching ${url}`);
			const policy = source.fetchPolicy ?? defaultFetchPolicy;
			const answer = await fetchText(deps, fetch, url, { accept: source.accept, policy });
			const payload = { text: answer.text, origin: url };
			if (answer.status >= 200 && answer.status < 300) return payload;
			// A source that explains a refusal in its own format (arXiv's error feed): parsing it throws its words.
			if (source.explainsRefusals) parseNamed(source.parse, payload);
			const excerpt = answer.text.replace(/\s+/g, " ").trim().slice(0, 160);
			throw new AppError("unavailable", `${url} answered HTTP ${answer.status}${excerpt ? `: ${excerpt}` : ""}`);
		},
		parse: (payload, parse) => parseNamed(parse, payload),
		store: (parsed) => apply(deps, summary, parsed, batch),
		progress,
		sleep: (ms) => deps.clock.sleep(ms),
		warn: (message, fields) => deps.log.warn(message, fields),
		stoppedEarly(problem) {
			summary.errors++;
			summary.problem = problem;
		},
	};
}

const counts = ["fetched", "new", "updated", "skipped", "errors"] as const;

/** One source as the daily job fetches it: every request its schedule names, totalled. */
async function ingestScheduledSource(
	deps: IngestDeps,
	fetch: Fetch,
	name: SourceName,
	now: Date,
): Promise<IngestSummary> {
	const total = emptySummary(name);
	const source = paperSource(name);
	const batch = new Set<string>();
	for (const request of source.scheduled(deps.config.ingest.settings, now)) {
		const summary = emptySummary(name);
		try {
			await source.ingest(
				sourceRun(deps, summary, fetch, () => {}, batch),
				request,
			);
		} catch (error) {
			summary.errors++;
			summary.problem = error instanceof Error ? error.message : String(error);
		}
		for (const key of counts) total[key] += summary[key];
		if (summary.problem) total.problem = summary.problem;
	}
	if (total.problem) deps.log.error(formatSummary(total), { problem: total.problem });
	else deps.log.info(formatSummary(total));
	// What came in whole is the batch its staleness is judged by (source-alarms.ts).
	await recordSourceIngest(deps, name, total.problem ? undefined : batch);
	return total;
}

export interface IngestRun {
	period: string;
	summaries: IngestSummary[];
}

/**
 * The daily job: every source in INGEST_SOURCES, one after another, recorded in job_runs.
 * The period is the minute, so two processes on the same cron tick ingest once. A run
 * counts as finished (fresh, for ingestIfStale) when at least one source came in whole.
 * Undefined when another process holds this period.
 */
export async function ingestScheduled(deps: IngestDeps, fetch: Fetch): Promise<IngestRun | undefined> {
	const now = deps.clock.now();
	const period = now.toISOString().slice(0, 16);
	const sources = deps.config.ingest.sources;
	if (!sources.length) return { period, summaries: [] };
	if (!(await startJobRun(deps.db, "ingest", period, now.toISOString()))) {
		deps.log.info("ingest: this period is already running elsewhere", { period });
		return undefined;
	}
	const summaries: IngestSummary[] = [];
	for (const source of sources) summaries.push(await ingestScheduledSource(deps, fetch, source, now));
	if (summaries.some((s) => !s.problem)) {
		await finishJobRun(deps.db, "ingest", period, deps.clock.now().toISOString(), summaries);
	}
	return { period, summaries };
}

/** For the digest job: ingest first when the last finished ingest is older than `maxAgeMs`. */
export async function ingestIfStale(deps: IngestDeps, fetch: Fetch, maxAgeMs = day): Promise<IngestRun | undefined> {
	const last = await lastJobFinishedAt(deps.db, "ingest");
	if (last && deps.clock.now().getTime() - Date.parse(last) < maxAgeMs) return undefined;
	return ingestScheduled(deps, fetch);
}
