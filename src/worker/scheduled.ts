import { finishJobRun } from "../core/db/job-runs.ts";
import type { Deps } from "../core/deps.ts";
import { planDigests } from "../core/digest/job.ts";
import { pruneExpired } from "../core/jobs/housekeeping.ts";
import { ingestIfStale, ingestScheduled } from "../core/papers/ingest.ts";
import { jobForCron } from "./cron.ts";
import type { SendMessage } from "./bindings.ts";
import { enqueueDueDeliveries } from "./send-queue.ts";

/** Papers are fetched with the runtime's fetch; bound, as workerd wants it called. */
const fetchPapers = (url: string, init: RequestInit) => fetch(url, init);

/**
 * A Cron Trigger: the ingest job fetches papers; a digest job plans this period in the
 * outbox (after a catch-up ingest when the papers are stale, as on Node) and hands the
 * due deliveries to the send queue. Nothing is sent here: one invocation would run into
 * Workers' CPU and subrequest limits with a few hundred readers.
 */
export async function runScheduled(deps: Deps, cron: string, queue: Queue<SendMessage>) {
	const job = jobForCron(deps.config, cron);
	if (!job) {
		deps.log.warn("a Cron Trigger matches no job: set INGEST_CRON, DIGEST_CRON or DAILY_DIGEST_CRON to it", { cron });
		return undefined;
	}
	if (job.name === "ingest") {
		return { job: job.name, pruned: await pruneExpired(deps), ingest: await ingestScheduled(deps, fetchPapers) };
	}
	await ingestIfStale(deps, fetchPapers).catch((error: unknown) =>
		deps.log.error("ingest before the digest failed; planning with the papers we have", { error }),
	);
	const plan = await planDigests(deps, job.frequencies);
	const enqueued = await enqueueDueDeliveries(deps, queue);
	const at = deps.clock.now().toISOString();
	for (const [i, frequency] of job.frequencies.entries()) {
		const period = plan.periods[i];
		if (period) await finishJobRun(deps.db, `digest:${frequency}`, period, at, { planned: plan.planned, enqueued });
	}
	return { job: job.name, ...plan, enqueued };
}
