import type { Config } from "../config.ts";
import type { Frequency } from "../subscriptions/reader.ts";

export type JobName = "ingest" | "digest-weekly" | "digest-daily";

/** What a run does: fetch papers (and tidy up), or plan and deliver digests. */
export type Job = { kind: "ingest" } | { kind: "digest"; frequencies: readonly Frequency[] };

export type ScheduledJob = Job & { name: JobName; cron: string };

/** The job_runs name of a digest period's run. */
export const digestJobName = (frequency: Frequency) => `digest:${frequency}`;

/**
 * The jobs both runtimes schedule: node-cron on Node, Cron Triggers on Workers
 * (wrangler.toml must list the same crons; a test checks it). The weekly run also plans
 * daily readers, so a daily run skipped because the weekly one was busy loses nothing.
 */
export function scheduledJobs(config: Config): ScheduledJob[] {
	return [
		{ name: "ingest", kind: "ingest", cron: config.schedule.ingestCron },
		{ name: "digest-weekly", kind: "digest", cron: config.schedule.digestCron, frequencies: ["weekly", "daily"] },
		{ name: "digest-daily", kind: "digest", cron: config.schedule.dailyDigestCron, frequencies: ["daily"] },
	];
}
