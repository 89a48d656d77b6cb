import type { Config } from "../config.ts";
import type { Frequency } from "../db/schema.ts";

export type JobName = "ingest" | "digest-weekly" | "digest-daily";

export interface ScheduledJob {
	name: JobName;
	cron: string;
	/** For digest jobs: the frequencies whose period this run plans. */
	frequencies: Frequency[];
}

/**
 * The jobs both runtimes schedule: node-cron on Node, Cron Triggers on Workers
 * (wrangler.toml must list the same crons; a test checks it). The weekly run also plans
 * daily readers, so a daily run skipped because the weekly one was busy loses nothing.
 */
export function scheduledJobs(config: Config): ScheduledJob[] {
	return [
		{ name: "ingest", cron: config.schedule.ingestCron, frequencies: [] },
		{ name: "digest-weekly", cron: config.schedule.digestCron, frequencies: ["weekly", "daily"] },
		{ name: "digest-daily", cron: config.schedule.dailyDigestCron, frequencies: ["daily"] },
	];
}
