/**
 * Brings papers in from a source, from a saved payload or over the network. Each payload
 * (a file, one response, one arXiv page) is parsed and checked whole before anything is
 * written, then stored in one statement: it is applied entirely or not at all.
 */
import { finishJobRun, lastJobFinishedAt, startJobRun } from "../db/job-runs.ts";
import type { Deps } from "../deps.ts";
import { AppError, isAppError } from "../errors.ts";
import { defaultFetchPolicy, type Fetch, fetchText } from "./fetch-source.ts";
import { arxivQueryUrl, parseArxivFeed } from "./sources/arxiv.ts";
import { hfDailyPapersUrl, parseHfDailyPapers } from "./sources/hf.ts";
import type { ParsedPayload } from "./sources/payload.ts";
import { arxivRssUrl, parseArxivRss } from "./sources/rss.ts";
import { storePapers } from "./store.ts";

export const sourceNames = ["hf", "arxiv", "rss"] as const;
export type SourceName = (typeof sourceNames)[number];

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

/** A saved payload; `origin` (a file path) names it in error messages. */
export interface Payload {
	text: string;
	origin: string;
}

export type FetchRequest =
	/** `date` is YYYY-MM-DD; without it, Hugging Face's latest day. */
	| { source: "hf"; date?: string }
	| { source: "arxiv"; query: string; from: Date; maxResults?: number }
	| { source: "rss"; category: string };

export type IngestRequest = { source: SourceName; payload: Payload } | (FetchRequest & { fetch: Fetch });

export type Progress = (message: string) => void;

const day = 86_400_000;
/** arXiv asks for at most one request every 3 seconds. */
export const arxivIntervalMs = 3_000;
export const arxivPageSize = 200;
/** A run stops here; a broader need is a narrower --query or a later --from. */
export const arxivMaxResults = 2_000;
/** Submission to announcement takes up to 4 days over a weekend. */
export const arxivDefaultWindowDays = 3;

const parsers: Record<SourceName, (text: string) => ParsedPayload> = {
	hf: parseHfDailyPapers,
	arxiv: parseArxivFeed,
	rss: parseArxivRss,
};
const accepts: Record<SourceName, string> = {
	hf: "application/json",
	arxiv: "application/atom+xml",
	rss: "application/rss+xml, application/atom+xml",
};

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
	if ("payload" in request) {
		progress(`ingest ${request.source}: reading ${request.payload.origin}`);
		await apply(deps, summary, parseNamed(parsers[request.source], request.payload));
		return summary;
	}
	switch (request.source) {
		case "hf":
		case "rss": {
			const url = request.source === "hf" ? hfDailyPapersUrl(request.date) : arxivRssUrl(request.category);
			const payload = await fetchPayload(deps, request.fetch, request.source, url, progress);
			await apply(deps, summary, parseNamed(parsers[request.source], payload));
			return summary;
		}
		case "arxiv":
			await ingestArxivPages(deps, request, summary, progress);
			return summary;
	}
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

async function apply(deps: IngestDeps, summary: IngestSummary, parsed: ParsedPayload): Promise<void> {
	const distinct = new Set(parsed.papers.map((paper) => paper.id)).size;
	const stored = distinct ? await storePapers(deps, parsed.papers, summary.source) : { new: 0, updated: 0 };
	summary.fetched += parsed.entries;
	summary.new += stored.new;
	summary.updated += stored.updated;
	summary.skipped += parsed.skipped + (parsed.papers.length - distinct);
	summary.errors += parsed.unusable.length;
	for (const reason of parsed.unusable) deps.log.warn(`ingest ${summary.source}: entry left out`, { reason });
}

// Retries toward arXiv never come sooner than its 3 s interval.
const arxivFetchPolicy = { ...defaultFetchPolicy, baseDelayMs: 2 * arxivIntervalMs };

/** The body of a successful answer, named by its URL for error messages. */
async function fetchPayload(
	deps: IngestDeps,
	fetch: Fetch,
	source: SourceName,
	url: string,
	progress: Progress,
): Promise<Payload> {
	progress(`ingest ${source}: fetching ${url}`);
	const policy = source === "arxiv" ? arxivFetchPolicy : defaultFetchPolicy;
	const answer = await fetchText(deps, fetch, url, { accept: accepts[source], policy });
	const payload = { text: answer.text, origin: url };
	if (answer.status >= 200 && answer.status < 300) return payload;
	// arXiv explains a rejected query in an Atom error feed (HTTP 400): parsing it throws arXiv's words.
	if (source === "arxiv") parseNamed(parseArxivFeed, payload);
	const excerpt = answer.text.replace(/\s+/g, " ").trim().slice(0, 160);
	throw new AppError("unavailable", `${url} answered HTTP ${answer.status}${excerpt ? `: ${excerpt}` : ""}`);
}

/** Pages through an arXiv query, newest first, one request per 3 s, each page stored as it comes. */
async function ingestArxivPages(
	deps: IngestDeps,
	request: Extract<IngestRequest, { source: "arxiv"; fetch: Fetch }>,
	summary: IngestSummary,
	progress: Progress,
): Promise<void> {
	const until = deps.clock.now();
	const maxResults = request.maxResults ?? arxivMaxResults;
	let total = maxResults;
	for (let start = 0; start < Math.min(total, maxResults); ) {
		if (start > 0) await deps.clock.sleep(arxivIntervalMs);
		const size = Math.min(arxivPageSize, maxResults - start);
		const url = arxivQueryUrl({ query: request.query, from: request.from, until, start, maxResults: size });
		let entries: number;
		try {
			const page = parseNamed(parseArxivFeed, await fetchPayload(deps, request.fetch, "arxiv", url, progress));
			await apply(deps, summary, page);
			total = page.totalResults;
			entries = page.entries;
		} catch (error) {
			// Pages already stored stay stored; the run reports where it stopped.
			if (start === 0 || !isAppError(error)) throw error;
			summary.errors++;
			summary.problem = `stopped after ${start} results: ${error.message}`;
			return;
		}
		// arXiv sometimes answers a page with no entries before the end; asking again would loop.
		if (entries === 0) break;
		// Counting what came, not what was asked for, skips nothing when a page comes up short.
		start += entries;
		progress(`ingest arxiv: ${Math.min(start, total)} of ${total} results`);
	}
	if (total > maxResults) {
		deps.log.warn("ingest arxiv: more results than one run takes", { total, taken: maxResults, query: request.query });
	}
}

/** What the schedule fetches for each source, from the settings. */
function scheduledRequests(deps: IngestDeps, fetch: Fetch, source: SourceName, now: Date): IngestRequest[] {
	const { ingest: settings } = deps.config;
	switch (source) {
		case "hf":
			// Yesterday's list is complete by now; the latest day may still be filling up.
			return [
				{ source, fetch, date: new Date(now.getTime() - day).toISOString().slice(0, 10) },
				{ source, fetch },
			];
		case "arxiv":
			return [
				{ source, fetch, query: settings.arxivQuery, from: new Date(now.getTime() - arxivDefaultWindowDays * day) },
			];
		case "rss":
			return [{ source, fetch, category: settings.rssCategories }];
	}
}

const counts = ["fetched", "new", "updated", "skipped", "errors"] as const;

async function ingestScheduledSource(
	deps: IngestDeps,
	fetch: Fetch,
	source: SourceName,
	now: Date,
): Promise<IngestSummary> {
	const total = emptySummary(source);
	for (const request of scheduledRequests(deps, fetch, source, now)) {
		try {
			const summary = await ingest(deps, request);
			for (const key of counts) total[key] += summary[key];
			if (summary.problem) total.problem = summary.problem;
		} catch (error) {
			total.errors++;
			total.problem = error instanceof Error ? error.message : String(error);
		}
	}
	if (total.problem) deps.log.error(formatSummary(total), { problem: total.problem });
	else deps.log.info(formatSummary(total));
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
