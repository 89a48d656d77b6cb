import type { Config } from "../core/config.ts";
import { type ScheduledJob, scheduledJobs } from "../core/jobs/schedule.ts";

const normalise = (cron: string) => cron.trim().split(/\s+/).join(" ");

/**
 * Which job a Cron Trigger means. Workers pass the expression as wrangler.toml spells
 * it; it is matched against INGEST_CRON, DIGEST_CRON and DAILY_DIGEST_CRON, the same
 * settings (and job list) the Node scheduler uses.
 */
export function jobForCron(config: Config, cron: string): ScheduledJob | undefined {
	return scheduledJobs(config).find((job) => normalise(job.cron) === normalise(cron));
}
