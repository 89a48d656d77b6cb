import type { Config } from "../core/config.ts";

/** The jobs Cron Triggers run; the same names as the Node scheduler's and job_runs'. */
export type ScheduledJob = "ingest" | "digest:weekly" | "digest:daily";

/** Job per cron expression, from the same settings the Node scheduler reads. */
export function cronJobs(schedule: Config["schedule"]): Map<string, ScheduledJob> {
	return new Map<string, ScheduledJob>([
		[normalise(schedule.ingestCron), "ingest"],
		[normalise(schedule.digestCron), "digest:weekly"],
		[normalise(schedule.dailyDigestCron), "digest:daily"],
	]);
}

/**
 * Which job a Cron Trigger means. Workers pass the expression exactly as wrangler.toml
 * spells it, so it is matched against INGEST_CRON, DIGEST_CRON and DAILY_DIGEST_CRON.
 */
export function jobForCron(schedule: Config["schedule"], cron: string): ScheduledJob | undefined {
	return cronJobs(schedule).get(normalise(cron));
}

const normalise = (cron: string) => cron.trim().split(/\s+/).join(" ");
