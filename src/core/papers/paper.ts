import type { DerivedData } from "./derived-data.ts";

/** A paper as every source hands it over, after normalisation (see normalise.ts). */
export interface NormalisedPaper {
	/** arXiv id without version ("2104.12255", "astro-ph/0601001"), or a seed id. */
	id: string;
	title: string;
	abstract: string;
	authors: string[];
	/** arXiv categories (`cs.CL`), the primary one first; empty when the source gives none (Hugging Face). */
	categories: string[];
	publishedAt: string | null;
	upvotes: number;
	comments: number | null;
	absUrl: string | null;
	pdfUrl: string | null;
	hfUrl: string | null;
	codeUrl: string | null;
	codeStars: number | null;
	projectUrl: string | null;
	thumbnailUrl: string | null;
	aiSummary: string | null;
	aiKeywords: string[] | null;
}

export const emptyPaperFields = {
	authors: [],
	categories: [],
	publishedAt: null,
	upvotes: 0,
	comments: null,
	absUrl: null,
	pdfUrl: null,
	hfUrl: null,
	codeUrl: null,
	codeStars: null,
	projectUrl: null,
	thumbnailUrl: null,
	aiSummary: null,
	aiKeywords: null,
} satisfies Omit<NormalisedPaper, "id" | "title" | "abstract">;

/**
 * The source of the example papers a fresh install starts with: they show on the signup
 * page (labelled as examples) and in the live preview, but never go into a digest and
 * never count as new. Their ids (`seed-…`) never equal a real source's arXiv ids.
 */
export const seedSource = "seed";

/** A stored paper: what its source said, plus where and when we first saw it. */
export interface Paper extends NormalisedPaper {
	/** The row key full-text search points at (stable across VACUUM); `id` is what everything else uses. */
	num: number;
	/** The source that first brought it ("hf", "arxiv", "rss", "seed"). */
	source: string;
	/** First seen: what "new since your last digest" means. */
	addedAt: string;
	updatedAt: string;
}

/** A paper about to be stored; the database gives it its `num`. */
export type NewPaper = Omit<Paper, "num">;

/** A paper about to be stored with what paperboy derives from it (derived-data.ts). */
export type PaperToStore = NewPaper & DerivedData;
