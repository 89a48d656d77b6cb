/**
 * The arXiv API (https://export.arxiv.org/api/query): an Atom 1.0 feed with OpenSearch
 * counts, in the current (2025+) and the legacy format, which differ only in namespace
 * placement and element order. Errors come as a feed with one entry titled "Error"
 * whose id is under /api/errors#, with HTTP 400.
 */
import * as z from "zod";
import { AppError } from "../../errors.ts";
import { arxivLinks, foldLine, foldList, foldParagraphs, isoTime } from "../normalise.ts";
import { emptyPaperFields, type NormalisedPaper } from "../paper.ts";
import { collectPapers, type ParsedPayload, parseShape } from "./payload.ts";
import { atomNamespace, expectRoot, parseXmlDocument, xmlText } from "./xml.ts";

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
	published: string | undefined;
}

export function arxivPaper(id: string, entry: ArxivEntryText): NormalisedPaper {
	return {
		...emptyPaperFields,
		id,
		title: foldLine(entry.title),
		abstract: foldParagraphs(entry.abstract),
		authors: foldList(entry.authors),
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
