/**
 * Runs the jobs of src/core/jobs/schedule.ts on node-cron in the configured time zone,
 * one at a time, plus a once-a-minute outbox drain that sends retries when they fall
 * due. At start it catches up a digest period whose scheduled run was missed
 * (downtime): one run for the current period, not one per missed week.
 */
import cron, { type ScheduledTask } from "node-cron";
import { drainOutbox } from "../core/digest/outbox.ts";
import { periodFor } from "../core/digest/period.ts";
import { digestRunStarted, runJob } from "../core/jobs/run-job.ts";
import { type ScheduledJob, scheduledJobs } from "../core/jobs/schedule.ts";
import type { Fetch } from "../core/papers/fetch-source.ts";
import type { NodeRuntime } from "./runtime.ts";

export interface Scheduler {
	/** Resolves when the catch-up run started at boot (if any) has finished. */
	ready: Promise<void>;
	stop(): Promise<void>;
}

export function startScheduler(runtime: NodeRuntime, fetch: Fetch = globalThis.fetch): Scheduler {
	const { deps } = runtime;
	const { log, config } = deps;
	const stopping = new AbortController();
	let current: Promise<unknown> = Promise.resolve();
	let busy = false;

	const exclusive = (name: string, task: () => Promise<unknown>) => async () => {
		if (busy || stopping.signal.aborted) {
			if (name !== "outbox") log.info("job skipped: another job is running", { job: name });
			return;
		}
		busy = true;
		const started = Date.now();
		current = task()
			.then((summary) => {
				if (name !== "outbox" || (summary as { sent?: number }).sent) {
					log.info("job finished", { job: name, ms: Date.now() - started, summary });
				}
			})
			.catch((error: unknown) => log.error("job failed", { job: name, error }))
			.finally(() => {
				busy = false;
			});
		await current;
	};

	// Planned digests are sent from here; on stop, what is in flight finishes.
	const deliver = () => drainOutbox(deps, { signal: stopping.signal });
	const run = (job: ScheduledJob) => exclusive(job.name, () => runJob(deps, job, { deliver, fetch }));

	const jobs = scheduledJobs(config);
	const tasks: ScheduledTask[] = jobs.map((job) =>
		cron.schedule(job.cron, run(job), { timezone: config.timeZone, name: job.name, noOverlap: true }),
	);
	tasks.push(cron.schedule("* * * * *", exclusive("outbox", deliver), { name: "outbox" }));

	const ready = (async () => {
		for (const job of jobs) {
			if (job.kind !== "digest") continue;
			const task = tasks[jobs.indexOf(job)] as ScheduledTask;
			if (await missedThisPeriod(runtime, job, task)) {
				log.info("catching up a missed digest run", { job: job.name });
				await run(job)();
			}
		}
	})();

	return {
		ready,
		async stop() {
			stopping.abort();
			for (const task of tasks) await task.destroy();
			await ready.catch(() => {});
			await current;
		},
	};
}

/**
 * Whether the job's most recent fire time (looking back up to a week, minute by minute)
 * fell in the current period and that period has no run on record.
 */
async function missedThisPeriod(
	runtime: NodeRuntime,
	job: ScheduledJob & { kind: "digest" },
	task: ScheduledTask,
): Promise<boolean> {
	const { deps } = runtime;
	const now = deps.clock.now();
	const frequency = job.frequencies[0];
	if (!frequency) return false;
	const period = periodFor(frequency, now, deps.config.timeZone);
	if (await digestRunStarted(deps, frequency, period)) return false;
	const minute = 60_000;
	for (let t = Math.floor(now.getTime() / minute) * minute; t > now.getTime() - 8 * 86_400_000; t -= minute) {
		const at = new Date(t);
		if (task.match(at)) return periodFor(frequency, at, deps.config.timeZone) === period;
	}
	return false;
}
