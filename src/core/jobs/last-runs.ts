import { lastJobFinishedAt } from "../db/job-runs.ts";
import { newestPaperAddedAt } from "../db/papers.ts";
import type { Deps } from "../deps.ts";
import { seedSource } from "../papers/paper.ts";
import { digestJobName } from "./schedule.ts";

/** When the scheduled jobs last finished, and when the newest real paper arrived (`paperboy doctor`). */
export async function lastRuns(deps: Pick<Deps, "db">) {
	return {
		ingestAt: await lastJobFinishedAt(deps.db, "ingest"),
		weeklyDigestAt: await lastJobFinishedAt(deps.db, digestJobName("weekly")),
		newestPaperAt: await newestPaperAddedAt(deps.db, seedSource),
	};
}
