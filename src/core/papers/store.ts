import {
	countPapers,
	deletePapersFromSource,
	findExistingPaperIds,
	type PaperWithTerms,
	upsertPapers,
} from "../db/papers.ts";
import { addDocFreqs } from "../db/term-docs.ts";
import type { Deps } from "../deps.ts";
import { docFreqChange } from "../recommend/doc-freq.ts";
import { commitWeights, weighNewPapers } from "../recommend/weigh-papers.ts";
import { derivePaperData } from "./derived-data.ts";
import { type NormalisedPaper, seedSource } from "./paper.ts";

export interface StoreSummary {
	new: number;
	updated: number;
}

/**
 * Stores a batch of papers from one source. Papers seen before keep their first-seen
 * time (`addedAt`), which is what "new since your last digest" means.
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
	// New papers get their top terms now, once (recommend/weigh-papers.ts).
	const fresh = unique.filter((p) => !existing.has(p.id));
	const weighed = await weighNewPapers(deps.db, fresh);
	const termsOf = new Map(fresh.map((p, i) => [p.id, weighed.terms[i]]));
	const toStore: PaperWithTerms[] = unique.map((p) => ({
		...p,
		...derivePaperData(p),
		source,
		addedAt: now,
		updatedAt: now,
		topTerms: termsOf.get(p.id) ?? null,
	}));
	const written = await upsertPapers(deps.db, toStore);
	await commitWeights(deps.db, weighed);
	const added = toStore.length - existing.size;
	// Papers seen again with nothing new are neither new nor updated.
	return { new: added, updated: written - added };
}

/** Loads the seed papers, but only into an empty database. */
export async function seedPapersIfEmpty(
	deps: Pick<Deps, "db" | "clock">,
	papers: readonly NormalisedPaper[],
): Promise<StoreSummary | undefined> {
	if ((await countPapers(deps.db)) > 0) return undefined;
	return storeSeedPapers(deps, papers);
}

/** Loads (or refreshes) the seed papers whatever the database holds. */
export const storeSeedPapers = (deps: Pick<Deps, "db" | "clock">, papers: readonly NormalisedPaper[]) =>
	storePapers(deps, papers, seedSource);

/**
 * Deletes the seed papers (`paperboy seed --remove`) and takes those the recommender had
 * counted out of its document frequencies again, so the counts are those of the papers
 * that stay; returns how many there were.
 */
export async function removeSeedPapers(deps: Pick<Deps, "db">): Promise<number> {
	const { deleted, weighed } = await deletePapersFromSource(deps.db, seedSource);
	await addDocFreqs(deps.db, docFreqChange([], weighed));
	return deleted;
}
