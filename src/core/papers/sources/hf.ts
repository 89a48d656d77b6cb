/**
 * Hugging Face Daily Papers (https://huggingface.co/api/daily_papers): a JSON array of
 * `{ paper: {...}, title, thumbnail, numComments, ... }`. Three schema generations are in
 * use (2024: no ai_* or githubRepo; 2026 compact and indented); all share the fields we
 * require. `[]` is a normal day.
 */
import * as z from "zod";
import { safeUrl } from "../../safe-url.ts";
import { arxivLinks, foldLine, foldList, foldParagraphs, isoTime } from "../normalise.ts";
import { emptyPaperFields } from "../paper.ts";
import { dayFlag, defineSource, singlePayload } from "./paper-source.ts";
import { collectPapers, invalidPayload, type ParsedPayload, parseShape } from "./payload.ts";

export const hfDailyPapersUrl = (date?: string) =>
	`https://huggingface.co/api/daily_papers?${new URLSearchParams(date ? { date, limit: "100" } : { limit: "100" })}`;

// A cosmetic field that changes shape upstream must not stop papers coming in: optional
// fields of an unexpected type read as absent. The fields a paper cannot do without are strict.
const optional = <T extends z.ZodType>(schema: T) => schema.nullish().catch(undefined);

const itemSchema = z.object({
	paper: z.object({
		id: z.string(),
		title: z.string(),
		summary: z.string(),
		authors: z.array(z.object({ name: z.string(), hidden: optional(z.boolean()) })),
		upvotes: z.number().int().nonnegative(),
		publishedAt: optional(z.string()),
		githubRepo: optional(z.string()),
		githubStars: optional(z.number().int().nonnegative()),
		projectPage: optional(z.string()),
		ai_summary: optional(z.string()),
		ai_keywords: optional(z.array(z.string())),
	}),
	thumbnail: optional(z.string()),
	numComments: optional(z.number().int().nonnegative()),
});

function parseJson(text: string): unknown {
	if (!text.trim()) throw invalidPayload("the payload is empty");
	if (text.trimStart().startsWith("<")) throw invalidPayload("expected JSON, found markup (an HTML error page?)");
	try {
		return JSON.parse(text);
	} catch (error) {
		const reason = error instanceof Error ? error.message : String(error);
		throw invalidPayload(`not valid JSON, it may be truncated: ${reason}`, error);
	}
}

/** One Daily Papers response. Hidden authors are left out, as Hugging Face does on its pages. */
export function parseHfDailyPapers(text: string): ParsedPayload {
	const json = parseJson(text);
	if (!Array.isArray(json)) {
		const message = typeof json === "object" && json && "error" in json ? `: ${JSON.stringify(json.error)}` : "";
		throw invalidPayload(
			`expected a JSON array of daily papers, found ${json === null ? "null" : typeof json}${message}`,
		);
	}
	const items = parseShape(z.array(itemSchema), json, "the Daily Papers list");
	return collectPapers(items, ({ paper, thumbnail, numComments }) => ({
		rawId: paper.id,
		paper: (id) => ({
			...emptyPaperFields,
			id,
			title: foldLine(paper.title),
			abstract: foldParagraphs(paper.summary),
			authors: foldList(paper.authors.filter((a) => a.hidden !== true).map((a) => a.name)),
			publishedAt: isoTime(paper.publishedAt),
			upvotes: paper.upvotes,
			comments: numComments ?? null,
			...arxivLinks(id),
			hfUrl: `https://huggingface.co/papers/${id}`,
			codeUrl: safeUrl(paper.githubRepo),
			codeStars: paper.githubStars ?? null,
			projectUrl: safeUrl(paper.projectPage),
			thumbnailUrl: safeUrl(thumbnail),
			aiSummary: paper.ai_summary ? foldParagraphs(paper.ai_summary) : null,
			aiKeywords: paper.ai_keywords?.length ? foldList(paper.ai_keywords) : null,
		}),
	}));
}

export const hfSource = defineSource({
	name: "hf",
	title: "Hugging Face Daily Papers",
	accept: "application/json",
	settings: {},
	parse: parseHfDailyPapers,
	flags: { date: { usage: "[--date YYYY-MM-DD]", schema: dayFlag } },
	/** Without `date`, Hugging Face's latest day. */
	request: (flags): { date?: string } => ({ date: flags.date }),
	// Yesterday's list is complete by now; the latest day may still be filling up.
	scheduled: (_settings, now) => [{ date: new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10) }, {}],
	ingest: singlePayload((request) => hfDailyPapersUrl(request.date), parseHfDailyPapers),
});
