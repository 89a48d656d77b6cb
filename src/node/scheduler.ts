/**
 * Runs the jobs of src/core/jobs/schedule.ts on node-cron in the configured time zone,
 * plus a once-a-minute outbox drain that sends retries when they fall due. Each job runs
 * on its own: a run still going when its next fire time comes skips that one, but a
 * digest stuck on a slow relay never holds up ingest (or the other way round). At start it catches up a digest period whose scheduled run was missed
 * (downtime): one run for the current period, not one per missed week.
 */
import cron, { type ScheduledTask } from "node-cron";
import { drainOutbox } from "../core/digest/outbox.ts";
import { periodFor } from "../core/digest/period.ts";
import { digestRunStarted, runJob } from "../core/jobs/run-job.ts";
import { type JobName, type ScheduledJob, scheduledJobs } from "../core/jobs/schedule.ts";
import { sendQueuedMail } from "../core/mail/mail-outbox.ts";
import type { Fetch } from "../core/papers/fetch-source.ts";
import type { NodeRuntime } from "./runtime.ts";

/** The once-a-minute drains: digests due for a retry, queued transactional mail. Logged only when they send. */
const drains = ["outbox", "mail"] as const;
type Drain = (typeof drains)[number];

export interface Scheduler {
	/** Resolves when the catch-up run started at boot (if any) has finished. */
	ready: Promise<void>;
	/** Runs a job now, as its cron would (skipped if that job is already running). */
	run(name: JobName | Drain): Promise<void>;
	/** Starts no new job; resolves when the running ones have stopped (they stop claiming mail). */
	stop(): Promise<void>;
}

export function startScheduler(runtime: NodeRuntime, fetch: Fetch = globalThis.fetch): Scheduler {
	const { deps } = runtime;
	const { log, config } = deps;
	const stopping = new AbortController();
	const running = new Map<string, Promise<void>>();

	const exclusive = (name: string, task: () => Promise<unknown>) => async () => {
		if (stopping.signal.aborted) return;
		if (running.has(name)) {
			if (!(drains as readonly string[]).includes(name))
				log.info("job skipped: its previous run is still going", { job: name });
			return;
		}
		const started = Date.now();
		const current = task()
			.then((summary) => {
				if (!(drains as readonly string[]).includes(name) || (summary as { sent?: number }).sent) {
					log.info("job finished", { job: name, ms: Date.now() - started, summary });
				}
			})
			.catch((error: unknown) => log.error("job failed", { job: name, error }))
			.finally(() => running.delete(name));
		running.set(name, current);
		await current;
	};

	// Planned digests are sent from here; on stop, what is in flight finishes.
	const deliver = () => drainOutbox(deps, { signal: stopping.signal });
	const run = (job: ScheduledJob) => exclusive(job.name, () => runJob(deps, job, { deliver, fetch }));

	const jobs = scheduledJobs(config);
	const runners = new Map<string, () => Promise<void>>(jobs.map((job) => [job.name, run(job)]));
	runners.set("outbox", exclusive("outbox", deliver));
	runners.set(
		"mail",
		exclusive("mail", () => sendQueuedMail(deps)),
	);
	const tasks: ScheduledTask[] = jobs.map((job) =>
		cron.schedule(job.cron, runners.get(job.name) as () => Promise<void>, {
			timezone: config.timeZone,
			name: job.name,
			noOverlap: true,
		}),
	);
	for (const drain of drains) {
		tasks.push(cron.schedule("* * * * *", runners.get(drain) as () => Promise<void>, { name: drain }));
	}

	const ready = (async () => {
		for (const job of jobs) {
			if (job.kind !== "digest") continue;
			const task = tasks[jobs.indexOf(job)] as ScheduledTask;
			if (await missedThisPeriod(runtime, job, task)) {
				log.info("catching up a missed digest run", { job: job.name });
				await runners.get(job.name)?.();
			}
		}
	})();

	return {
		ready,
		run: async (name) => runners.get(name)?.(),
		async stop() {
			stopping.abort();
			for (const task of tasks) await task.destroy();
			await ready.catch(() => {});
			await Promise.all(running.values());
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
