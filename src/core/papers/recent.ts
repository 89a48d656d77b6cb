import { listRecentPapers, papersVersion } from "../db/papers.ts";
import type { Deps } from "../deps.ts";
import type { Paper } from "./paper.ts";

/** The newest papers first, for the signup page. */
export const recentPapers = (deps: Pick<Deps, "db">, limit: number): Promise<Paper[]> =>
	listRecentPapers(deps.db, limit);

/** Changes whenever a paper is added or changed: what a cached list of recent papers is valid for. */
export const recentPapersVersion = (deps: Pick<Deps, "db">): Promise<string> => papersVersion(deps.db);
