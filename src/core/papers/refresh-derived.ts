import { listPapersDerivedBefore, updateDerivedData } from "../db/papers.ts";
import type { Deps } from "../deps.ts";
import { weighStoredPapers } from "../recommend/weigh-papers.ts";
import { derivedVersion, derivePaperData } from "./derived-data.ts";

/**
 * Recomputes the derived data (derived-data.ts) of papers an older derivation wrote: all
 * papers stored before migration 0020, and all of them again whenever `derivedVersion`
 * rises. At most `max` papers a call (one statement each); returns how many it did, so
 * callers repeat until it says 0. Run at server start, by `paperboy migrate` and by the
 * daily ingest job on both runtimes.
 */
export async function refreshDerivedData(deps: Pick<Deps, "db">, max = 2000): Promise<number> {
	let done = 0;
	while (done < max) {
		const papers = await listPapersDerivedBefore(deps.db, derivedVersion, Math.min(200, max - done));
		if (!papers.length) break;
		for (const paper of papers) await updateDerivedData(deps.db, paper.num, derivePaperData(paper));
		done += papers.length;
	}
	return done;
}

/**
 * Every paper's derived data brought up to date, however many, and every paper weighed for
 * the recommender (recommend/weigh-papers.ts): returns how many were redone.
 */
export async function refreshAllDerivedData(deps: Pick<Deps, "db">): Promise<number> {
	let total = 0;
	for (let done = await refreshDerivedData(deps); done > 0; done = await refreshDerivedData(deps)) total += done;
	for (let done = await weighStoredPapers(deps); done > 0; done = await weighStoredPapers(deps)) total += done;
	return total;
}
