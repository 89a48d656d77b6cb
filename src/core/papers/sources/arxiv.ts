/**
 * The arXiv API (https://export.arxiv.org/api/query): an Atom 1.0 feed with OpenSearch
 * counts, in the current (2025+) and the legacy format, which differ only in namespace
 * placement and element order. Errors come as a feed with one entry titled "Error"
 * whose id is under /api/errors#, with HTTP 400.
 */
import * as z from "zod";
import { AppError } from "../../errors.ts";
import { defaultFetchPolicy } from "../fetch-source.ts";
import { arxivLinks, foldLine, foldList, foldParagraphs, isoTime } from "../normalise.ts";
import { emptyPaperFields, type NormalisedPaper } from "../paper.ts";
import { dayFlag, defineSource, type SourceRun } from "./paper-source.ts";
import { collectPapers, type ParsedPayload, parseShape } from "./payload.ts";
import { atomNamespace, expectRoot, parseXmlDocument, xmlAttribute, xmlText } from "./xml.ts";

export const arxivApiUrl = "https://export.arxiv.org/api/query";

export interface ArxivPage extends ParsedPayload {
	/** How many results the query has in all (OpenSearch totalResults), for paging. */
	totalResults: number;
}

/** The fields arXiv-style entries share, as read from a feed; folded by arxivPaper. */
export interface ArxivEntryText {
	title: string;
	abstract: string;
	authors: string[];
	/** The primary category when the feed marks it, and every category listed. */
	primaryCategory: string | undefined;
	categories: string[];
	published: string | undefined;
}

// arXiv's taxonomy: `cs.CL`, `astro-ph.GA`, `cond-mat.stat-mech`, `hep-th`. The API also lists
// ACM and MSC classes as categories (`I.2.7`, `68T05`): those are not arXiv categories.
const arxivCategory = /^[a-z]+(?:-[a-z]+)*(?:\.[A-Za-z]+(?:-[A-Za-z]+)*)?$/;

/** arXiv categories, the primary first, each once. */
export function arxivCategories(primary: string | undefined, listed: readonly string[]): string[] {
	const all = [primary, ...listed].map((c) => c?.trim() ?? "").filter((c) => arxivCategory.test(c));
	return [...new Set(all)];
}

export function arxivPaper(id: string, entry: ArxivEntryText): NormalisedPaper {
	return {
		...emptyPaperFields,
		id,
		title: foldLine(entry.title),
		abstract: foldParagraphs(entry.abstract),
		authors: foldList(entry.authors),
		categories: arxivCategories(entry.primaryCategory, entry.categories),
		publishedAt: isoTime(entry.published),
		...arxivLinks(id),
	};
}

const count = xmlText.pipe(z.string().trim().regex(/^\d+$/, "expected a count")).transform(Number);

const feedSchema = z.object({
	"opensearch:totalResults": count.optional(),
	entry: z
		.array(
			z.object({
				id: xmlText,
				title: xmlText,
				summary: xmlText,
				published: xmlText.optional(),
				author: z.array(z.object({ name: xmlText })).default([]),
				"arxiv:primary_category": z.object({ "@_term": xmlAttribute }).optional(),
				category: z.array(z.object({ "@_term": xmlAttribute })).default([]),
			}),
		)
		.default([]),
});

const errorEntryId = /^https?:\/\/arxiv\.org\/api\/errors(#|$)/;

/** One page of API results. The error feed becomes an error quoting arXiv's own words. */
export function parseArxivFeed(text: string): ArxivPage {
	const doc = parseXmlDocument(text);
	expectRoot(doc, "feed", atomNamespace, 'an arXiv API Atom feed (<feed xmlns="http://www.w3.org/2005/Atom">)');
	const feed = parseShape(feedSchema, doc.root, "the arXiv feed");
	const error = feed.entry.find((entry) => errorEntryId.test(entry.id.trim()));
	if (error) {
		throw new AppError("invalid_input", `arXiv rejected the query: "${foldLine(error.summary) || foldLine(error.id)}"`);
	}
	const parsed = collectPapers(feed.entry, (entry) => ({
		rawId: entry.id,
		paper: (id) =>
			arxivPaper(id, {
				title: entry.title,
				abstract: entry.summary,
				authors: entry.author.map((author) => author.name),
				primaryCategory: entry["arxiv:primary_category"]?.["@_term"],
				categories: entry.category.map((category) => category["@_term"]),
				published: entry.published,
			}),
	}));
	return { ...parsed, totalResults: feed["opensearch:totalResults"] ?? feed.entry.length };
}

export interface ArxivQuery {
	/** arXiv search syntax, e.g. `cat:cs.LG OR cat:cs.CL`. */
	query: string;
	/** Only papers submitted at or after this time. */
	from: Date;
	until: Date;
	start: number;
	maxResults: number;
}

// arXiv's submittedDate range takes YYYYMMDDHHMM in UTC.
const arxivTime = (at: Date) => at.toISOString().replace(/[-:T]/g, "").slice(0, 12);

/** Newest submissions first, so paging can stop at the window's end. */
export function arxivQueryUrl(q: ArxivQuery): string {
	const params = new URLSearchParams({
		search_query: `(${q.query}) AND submittedDate:[${arxivTime(q.from)} TO ${arxivTime(q.until)}]`,
		start: String(q.start),
		max_results: String(q.maxResults),
		sortBy: "submittedDate",
		sortOrder: "descending",
	});
	return `${arxivApiUrl}?${params}`;
}

/** arXiv asks for at most one request every 3 seconds. */
export const arxivIntervalMs = 3_000;
export const arxivPageSize = 200;
/** A run stops here; a broader need is a narrower --query or a later --from. */
export const arxivMaxResults = 2_000;
/** Submission to announcement takes up to 4 days over a weekend. */
export const arxivDefaultWindowDays = 3;
const day = 86_400_000;

export interface ArxivRequest {
	query: string;
	/** Papers submitted since. */
	from: Date;
	maxResults?: number;
}

/** Pages through a query, newest first, one request per 3 s, each page stored as it comes. */
async function ingestArxivPages(run: SourceRun, request: ArxivRequest): Promise<void> {
	const until = run.now;
	const maxResults = request.maxResults ?? arxivMaxResults;
	let total = maxResults;
	for (let start = 0; start < Math.min(total, maxResults); ) {
		if (start > 0) await run.sleep(arxivIntervalMs);
		const size = Math.min(arxivPageSize, maxResults - start);
		const url = arxivQueryUrl({ query: request.query, from: request.from, until, start, maxResults: size });
		let entries: number;
		try {
			const page = run.parse(await run.fetchPayload(url), parseArxivFeed);
			await run.store(page);
			total = page.totalResults;
			entries = page.entries;
		} catch (error) {
			// Pages already stored stay stored; the run reports where it stopped.
			if (start === 0 || !(error instanceof AppError)) throw error;
			run.stoppedEarly(`stopped after ${start} results: ${error.message}`);
			return;
		}
		// arXiv sometimes answers a page with no entries before the end; asking again would loop.
		if (entries === 0) break;
		// Counting what came, not what was asked for, skips nothing when a page comes up short.
		start += entries;
		run.progress(`ingest arxiv: ${Math.min(start, total)} of ${total} results`);
	}
	if (total > maxResults) {
		run.warn("ingest arxiv: more results than one run takes", { total, taken: maxResults, query: request.query });
	}
}

const sinceDays = (now: Date, days: number) => new Date(now.getTime() - days * day);

export const arxivSource = defineSource({
	name: "arxiv",
	title: "the arXiv API",
	accept: "application/atom+xml",
	// Retries toward arXiv never come sooner than its 3 s interval.
	fetchPolicy: { ...defaultFetchPolicy, baseDelayMs: 2 * arxivIntervalMs },
	explainsRefusals: true,
	settings: { ARXIV_QUERY: z.string().default("cat:cs.LG OR cat:cs.CL OR cat:cs.AI OR cat:cs.CV") },
	parse: parseArxivFeed,
	flags: {
		query: {
			usage: "[--query Q]",
			schema: z.string().trim().min(1, "expected an arXiv query, e.g. cat:cs.LG").max(1000),
		},
		from: { usage: "[--from YYYY-MM-DD]", schema: dayFlag },
	},
	request(flags, settings, now): ArxivRequest {
		const from = flags.from ? new Date(`${flags.from}T00:00:00Z`) : sinceDays(now, arxivDefaultWindowDays);
		if (from > now) throw new AppError("invalid_input", `--from ${flags.from} is in the future`);
		return { query: flags.query ?? settings.ARXIV_QUERY, from };
	},
	scheduled: (settings, now): ArxivRequest[] => [
		{ query: settings.ARXIV_QUERY, from: sinceDays(now, arxivDefaultWindowDays) },
	],
	ingest: ingestArxivPages,
});
