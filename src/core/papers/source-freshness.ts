/**
 * When each configured paper source last came in whole, from the ingest runs' summaries
 * in job_runs. The admin overview and the metrics show it; a source older than
 * STALE_AFTER_HOURS is stale, as for the alarms (source-alarms.ts).
 */
import { listJobRuns } from "../db/job-runs.ts";
import type { Deps } from "../deps.ts";
import type { IngestSummary } from "./ingest.ts";
import type { SourceName } from "./sources/registry.ts";

export interface SourceFreshness {
	source: SourceName;
	/** The last ingest run in which this source came in without a problem; null: never. */
	lastIngestAt: string | null;
	stale: boolean;
}

/** How many recent ingest runs are searched for each source's last good one. */
const runsSearched = 60;

export async function sourceFreshness(deps: Pick<Deps, "db" | "clock" | "config">): Promise<SourceFreshness[]> {
	const runs = await listJobRuns(deps.db, { prefix: "ingest", limit: runsSearched });
	const now = deps.clock.now().getTime();
	return deps.config.ingest.sources.map((source) => {
		const run = runs.find(
			(r) =>
				r.finishedAt !== null &&
				Array.isArray(r.summary) &&
				(r.summary as IngestSummary[]).some((s) => s.source === source && !s.problem),
		);
		const lastIngestAt = run?.finishedAt ?? null;
		const stale = lastIngestAt === null || now - Date.parse(lastIngestAt) > deps.config.staleAfterHours * 3_600_000;
		return { source, lastIngestAt, stale };
	});
}
