/**
 * What a job does, written once for both runtimes: node-cron (src/node/scheduler.ts),
 * Cron Triggers (src/worker/index.ts) and `paperboy digest` all call runJob. The one
 * thing that differs is how planned digests leave: Node drains the outbox in the same
 * process, Workers put them on a queue. The caller says which with `deliver`.
 */
import { countDeliveriesByStatus } from "../db/deliveries.ts";
import { finishJobRun, jobRunExists } from "../db/job-runs.ts";
import type { Deps } from "../deps.ts";
import { drainOutbox, type PlanSummary, planDigests, type SendSummary } from "../digest/outbox.ts";
import { sendSilentWeeksNotes } from "../digest/silent-weeks-note.ts";
import type { Fetch } from "../papers/fetch-source.ts";
import { ingestIfStale, ingestScheduled } from "../papers/ingest.ts";
import { refreshDerivedData } from "../papers/refresh-derived.ts";
import { checkSources, staleSourcesReason } from "../papers/source-alarms.ts";
import { weighStoredPapers } from "../recommend/weigh-papers.ts";
import type { Frequency } from "../subscriptions/reader.ts";
import { pruneExpired } from "./housekeeping.ts";
import { digestJobName, type Job } from "./schedule.ts";

export interface RunJobOptions<Delivered> {
	/** Sends or hands over what a digest job planned, and says how that went. */
	deliver: (deps: Deps) => Promise<Delivered>;
	/**
	 * How paper sources are reached. Ingest jobs need it; digest jobs given one ingest
	 * first when the last ingest is more than a day old.
	 */
	fetch?: Fetch;
}

/** Runs a job to the end and returns its summary (for the log). */
export async function runJob<Delivered extends object>(deps: Deps, job: Job, options: RunJobOptions<Delivered>) {
	if (job.kind === "ingest") {
		if (!options.fetch) throw new Error("the ingest job needs a fetch");
		const pruned = await pruneExpired(deps);
		const derived = await refreshDerivedData(deps);
		const weighed = await weighStoredPapers(deps);
		const ingest = await ingestScheduled(deps, options.fetch);
		return {
			pruned,
			derived,
			weighed,
			ingest,
			sourcesInAlarm: (await checkSources(deps)).map((s) => s.source),
		};
	}
	return runDigest(deps, job.frequencies, options);
}

/**
 * The weekly (or daily) digest: plan this period in the outbox, deliver (by default:
 * send everything due from here), record the run. Safe to repeat: a second run in the
 * same period plans nothing new.
 */
export async function runDigest<Delivered extends object = SendSummary>(
	deps: Deps,
	frequencies: readonly Frequency[],
	options: Partial<RunJobOptions<Delivered>> = {},
): Promise<PlanSummary & Delivered> {
	if (options.fetch) {
		// Stale papers make a poor digest, but no papers at all is no reason to skip it.
		await ingestIfStale(deps, options.fetch).catch((error: unknown) =>
			deps.log.error("ingest before the digest failed; going on with the papers we have", { error }),
		);
	}
	// Every source in alarm: readers who get nothing this period are told why (the skip reason).
	await checkSources(deps);
	const staleReason = await staleSourcesReason(deps);
	if (staleReason) deps.log.error(`digest run: ${staleReason}; readers with nothing new are recorded as such`);
	const plan = await planDigests(deps, frequencies);
	// Without `deliver`, Delivered is its default, SendSummary: what drainOutbox returns.
	const deliver = options.deliver ?? (drainOutbox as unknown as (deps: Deps) => Promise<Delivered>);
	const delivered = await deliver(deps);
	const at = deps.clock.now().toISOString();
	const summary = {
		...(staleReason ? { staleSources: staleReason } : {}),
		planned: plan.planned,
		...delivered,
		periodCounts: await countDeliveriesByStatus(deps.db, plan.periods),
	};
	for (const [i, frequency] of frequencies.entries()) {
		await finishJobRun(deps.db, digestJobName(frequency), plan.periods[i] as string, at, summary);
	}
	if (frequencies.includes("weekly")) await sendSilentWeeksNotes(deps);
	return { ...plan, ...delivered };
}

/** Whether a digest run for this frequency's period has started (here or elsewhere). */
export const digestRunStarted = (deps: Pick<Deps, "db">, frequency: Frequency, period: string): Promise<boolean> =>
	jobRunExists(deps.db, digestJobName(frequency), period);
