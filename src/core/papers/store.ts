import { countPapers, findExistingPaperIds, upsertPapers } from "../db/papers.ts";
import type { NewPaper } from "../db/schema.ts";
import type { Deps } from "../deps.ts";
import type { NormalisedPaper } from "./paper.ts";

export interface StoreSummary {
	new: number;
	updated: number;
}

/**
 * Stores a batch of papers from one source. Papers seen before keep their first-seen
 * time (`added_at`), which is what "new since your last digest" means.
 */
export async function storePapers(
	deps: Pick<Deps, "db" | "clock">,
	papers: readonly NormalisedPaper[],
	source: string,
): Promise<StoreSummary> {
	// The same id twice in one payload: the later entry wins, as it would across payloads.
	const unique = [...new Map(papers.map((p) => [p.id, p])).values()];
	const now = deps.clock.now().toISOString();
	const existing = await findExistingPaperIds(
		deps.db,
		unique.map((p) => p.id),
	);
	const rows: NewPaper[] = unique.map((p) => ({
		id: p.id,
		title: p.title,
		abstract: p.abstract,
		authors: JSON.stringify(p.authors),
		published_at: p.publishedAt,
		added_at: now,
		updated_at: now,
		upvotes: p.upvotes,
		comments: p.comments,
		source,
		abs_url: p.absUrl,
		pdf_url: p.pdfUrl,
		hf_url: p.hfUrl,
		code_url: p.codeUrl,
		code_stars: p.codeStars,
		project_url: p.projectUrl,
		thumbnail_url: p.thumbnailUrl,
		ai_summary: p.aiSummary,
		ai_keywords: p.aiKeywords ? JSON.stringify(p.aiKeywords) : null,
	}));
	const written = await upsertPapers(deps.db, rows);
	const added = rows.length - existing.size;
	// Papers seen again with nothing new are neither new nor updated.
	return { new: added, updated: written - added };
}

/** Loads the seed papers, but only into an empty database. */
export async function seedPapersIfEmpty(
	deps: Pick<Deps, "db" | "clock">,
	papers: readonly NormalisedPaper[],
): Promise<StoreSummary | undefined> {
	if ((await countPapers(deps.db)) > 0) return undefined;
	return storePapers(deps, papers, "seed");
}
