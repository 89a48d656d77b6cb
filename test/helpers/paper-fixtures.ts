import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { AppError } from "../../src/core/errors.ts";

/** The recorded payloads (see test/fixtures/SOURCES.md). Tests never touch the network. */
export const fixturesDir = fileURLToPath(new URL("../fixtures/", import.meta.url));

export const fixtures = {
	hf2024: "hf-daily-papers/daily_papers_date-2024-10-15.json",
	hfDate0612: "hf-daily-papers/daily_papers_date-2026-06-12.json",
	hfLatest0612: "hf-daily-papers/daily_papers_latest-limit100_2026-06-12.json",
	hf0813: "hf-daily-papers/daily_papers_date-2026-08-13.json",
	arxivEmpty: "arxiv-api/2026-04-12_id_list-0000.0000-empty.xml",
	arxivPartial: "arxiv-api/2026-04-12_id_list-0808.05394_1707.08567-partial.xml",
	arxivVersioned: "arxiv-api/2026-04-12_id_list-2104.12255v1.xml",
	arxivError400: "arxiv-api/2026-04-12_id_list-abc-http400-error.xml",
	arxivOldStyle: "arxiv-api/2026-04-12_id_list-astro-ph_0601001.xml",
	arxivTestingPage1: "arxiv-api/2026-04-12_search-all-testing_start0_max10.xml",
	arxivTestingPage2: "arxiv-api/2026-04-12_search-all-testing_start10_max10.xml",
	arxivTransformer: "arxiv-api/2026-06-14_search-all-transformer-AND-cat-cs.LG_start0_max5.xml",
	arxivLegacy: "arxiv-api/legacy-2016_id_list-1111.2011v2.xml",
	rss: "arxiv-rss/rss_cs.LG+cs.AI+cs.CL+stat.ML_2026-09-24_4items.xml",
	rssAtom: "arxiv-rss/atom_cs.LG_2026-09-25_3items.xml",
} as const;

export const fixturePath = (name: string) => join(fixturesDir, name);
export const readFixture = (name: string) => readFileSync(fixturePath(name), "utf8");

export interface RawHfItem {
	title?: string;
	paper: {
		id: string;
		title: string;
		summary: string;
		upvotes: number;
		authors: { name: string; hidden?: boolean }[];
		githubRepo?: string;
		githubStars?: number;
		projectPage?: string;
		ai_summary?: string;
	};
}

/** The HF items as plain JSON: the oracle the parser's output is checked against. */
export const rawHfItems = (name: string) => JSON.parse(readFixture(name)) as RawHfItem[];

/** Entry ids of an Atom/RSS fixture found by a plain regex (versions dropped), independent of the parser. */
export function rawXmlIds(text: string): string[] {
	const ids = [...text.matchAll(/<(?:entry|item)>[\s\S]*?<(?:id|guid)[^>]*>([^<]+)</g)].map((m) => m[1] ?? "");
	return ids.map((id) => id.replace(/^.*(?:abs\/|oai:arXiv\.org:)/, "").replace(/v\d+$/, ""));
}

/** The AppError a call throws or rejects with; anything else fails the test. */
export async function appErrorOf(run: () => unknown): Promise<AppError> {
	let thrown: unknown;
	try {
		await run();
	} catch (error) {
		thrown = error;
	}
	if (thrown instanceof AppError) return thrown;
	throw new Error(`expected an AppError, got ${thrown === undefined ? "success" : String(thrown)}`);
}
