import { countPapers } from "./db/papers.ts";
import { countReadersByStatus } from "./db/subscribers.ts";
import { countSuppressions } from "./db/suppressions.ts";
import type { Deps } from "./deps.ts";

/** What `paperboy stats` shows: papers, readers by status, suppressed addresses. */
export async function paperboyStats(deps: Pick<Deps, "db">) {
	return {
		papers: await countPapers(deps.db),
		readers: await countReadersByStatus(deps.db),
		suppressions: await countSuppressions(deps.db),
	};
}
