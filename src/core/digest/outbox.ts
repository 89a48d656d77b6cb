/**
 * The digest outbox: planning one delivery per reader and period, draining what is due
 * (claim, compose, send, record), and a dry run of both. See
 * docs/decisions/006-outbox-at-least-once.md for what a crash can repeat.
 */
import {
	claimDeliveries,
	countDeliveries,
	finishDelivery,
	listDeliveryStates,
	listPendingDeliveryIds,
	listReadersDue,
	planDeliveries,
	releaseClaims,
	renewClaims,
	supersedePendingDeliveries,
} from "../db/deliveries.ts";
import { startJobRun } from "../db/job-runs.ts";
import type { Deps } from "../deps.ts";
import { digestJobName } from "../jobs/schedule.ts";
import { ensureLinkTokens } from "../subscriptions/link-tokens.ts";
import type { Frequency } from "../subscriptions/reader.ts";
import type { ClaimedDelivery } from "./delivery.ts";
import { DigestComposer } from "./digest-composer.ts";
import { periodFor } from "./period.ts";
import { sendDelivery } from "./send-delivery.ts";

export interface PlanSummary {
	periods: string[];
	planned: number;
}

/** Plans the current period's deliveries for these frequencies. Safe to repeat. */
export async function planDigests(deps: Deps, frequencies: readonly Frequency[]): Promise<PlanSummary> {
	const now = deps.clock.now();
	const at = now.toISOString();
	const firstWindowStart = new Date(now.getTime() - deps.config.digest.firstWindowDays * 86_400_000).toISOString();
	const periods: string[] = [];
	let planned = 0;
	for (const frequency of frequencies) {
		const period = periodFor(frequency, now, deps.config.timeZone);
		periods.push(period);
		await startJobRun(deps.db, digestJobName(frequency), period, at);
		await supersedePendingDeliveries(deps.db, `${frequency}:`, period, at);
		planned += await planDeliveries(deps.db, { frequency, period, now: at, firstWindowStart });
	}
	return { periods, planned };
}

export interface SendSummary {
	sent: number;
	skipped: number;
	failed: number;
	/** Temporarily failed; due again later (the next drain picks them up). */
	retrying: number;
}

export interface DrainOptions {
	/** Parallel sends (the SMTP pool size). */
	concurrency?: number;
	batchSize?: number;
	/** Stop claiming new work (SIGTERM); what is in flight finishes. */
	signal?: AbortSignal;
	onProgress?: (summary: SendSummary) => void;
	/** Claim only these deliveries (a queue message), once. */
	ids?: readonly number[];
}

const emptySummary = (): SendSummary => ({ sent: 0, skipped: 0, failed: 0, retrying: 0 });

/**
 * Sends everything due in the outbox: claims a batch, sends it with bounded
 * parallelism, records each outcome, repeats. Claims are renewed while a batch is in
 * flight; a claim that stops being renewed (its sender crashed) is taken over after
 * SEND_LEASE_SECONDS, so a crash loses no reader. Only a message that was being handed
 * to the SMTP server at the instant of the crash can go out twice (at-least-once for
 * in-flight messages); its Message-ID is stable, so receivers can drop the copy.
 * Before returning it waits for other senders' claims to finish or go stale.
 */
export async function drainOutbox(deps: Deps, options: DrainOptions = {}): Promise<SendSummary> {
	const { db, clock, config } = deps;
	const concurrency = options.concurrency ?? config.mail.poolSize;
	const batchSize = options.batchSize ?? Math.max(concurrency * 8, 50);
	const leaseMs = config.digest.leaseSeconds * 1000;
	const composer = new DigestComposer(deps);
	const summary = emptySummary();
	for (;;) {
		if (options.signal?.aborted) break;
		const now = clock.now();
		const claimed = await claimDeliveries(db, {
			now: now.toISOString(),
			staleBefore: new Date(now.getTime() - leaseMs).toISOString(),
			limit: batchSize,
			ids: options.ids,
		});
		if (claimed.length) {
			await ensureLinkTokens(
				deps,
				claimed.map((d) => d.reader),
			);
			await sendBatch(deps, composer, claimed, { concurrency, leaseMs, signal: options.signal }, summary);
			options.onProgress?.(summary);
			if (options.ids) break;
			continue;
		}
		if (options.ids) break;
		// Nothing claimable: wait for other senders' claims to finish or go stale.
		if ((await countDeliveries(db, { status: "sending" })) === 0) break;
		await clock.sleep(Math.min(1000, leaseMs / 4));
	}
	summary.retrying = await countDeliveries(db, { status: "pending" });
	return summary;
}

async function sendBatch(
	deps: Deps,
	composer: DigestComposer,
	claimed: readonly ClaimedDelivery[],
	{ concurrency, leaseMs, signal }: { concurrency: number; leaseMs: number; signal: AbortSignal | undefined },
	summary: SendSummary,
): Promise<void> {
	const inFlight = new Set(claimed.map((d) => d.id));
	const heartbeat = setInterval(
		() => void renewClaims(deps.db, [...inFlight], deps.clock.now().toISOString()).catch(() => {}),
		Math.max(250, leaseMs / 3),
	);
	let next = 0;
	try {
		const worker = async () => {
			// On stop (SIGTERM) each worker finishes the message it is sending and takes no other.
			while (next < claimed.length && !signal?.aborted) {
				const delivery = claimed[next++] as ClaimedDelivery;
				const outcome = await sendDelivery(deps, composer, delivery).catch(
					(error: unknown): Awaited<ReturnType<typeof sendDelivery>> => {
						// A bug or a database hiccup while composing: retry later, do not lose the reader.
						deps.log.error("delivery failed unexpectedly", { deliveryId: delivery.id, error });
						return {
							status: "retry",
							at: deps.clock.now().toISOString(),
							nextAttemptAt: new Date(deps.clock.now().getTime() + 60_000).toISOString(),
							error: error instanceof Error ? error.message : String(error),
						};
					},
				);
				await finishDelivery(deps.db, delivery.id, outcome);
				inFlight.delete(delivery.id);
				if (outcome.status === "retry") summary.retrying++;
				else summary[outcome.status]++;
			}
		};
		await Promise.all(Array.from({ length: Math.min(concurrency, claimed.length) }, worker));
	} finally {
		clearInterval(heartbeat);
		// Claimed but never started (stopped early): back to the outbox for the next run.
		await releaseClaims(
			deps.db,
			claimed.slice(next).map((d) => d.id),
		);
	}
}

/**
 * Ids of the deliveries due now, a page at a time, for a runtime that hands them to a
 * queue instead of sending here (Workers).
 */
export async function* dueDeliveryIds(deps: Pick<Deps, "db" | "clock">, pageSize: number): AsyncGenerator<number[]> {
	const dueBy = deps.clock.now().toISOString();
	let afterId = 0;
	for (;;) {
		const ids = await listPendingDeliveryIds(deps.db, { afterId, limit: pageSize, dueBy });
		if (ids.length) yield ids;
		if (ids.length < pageSize) return;
		afterId = ids[ids.length - 1] ?? afterId;
	}
}

/** Where these deliveries stand now (a queue consumer acks or retries its messages by it). */
export const deliveryStates = (deps: Pick<Deps, "db">, ids: readonly number[]) => listDeliveryStates(deps.db, ids);

export interface DryRunSummary {
	periods: string[];
	readers: number;
	wouldSend: number;
	wouldSkip: number;
	papers: number;
}

/** What a run would do now, without writing anything or sending mail. */
export async function dryRunDigest(deps: Deps, frequencies: readonly Frequency[]): Promise<DryRunSummary> {
	const now = deps.clock.now();
	const firstWindowStart = new Date(now.getTime() - deps.config.digest.firstWindowDays * 86_400_000).toISOString();
	const composer = new DigestComposer(deps);
	const summary: DryRunSummary = { periods: [], readers: 0, wouldSend: 0, wouldSkip: 0, papers: 0 };
	for (const frequency of frequencies) {
		const period = periodFor(frequency, now, deps.config.timeZone);
		summary.periods.push(period);
		for (const due of await listReadersDue(deps.db, { frequency, period, firstWindowStart })) {
			summary.readers++;
			const papers = await composer.papersFor(due.reader, { from: due.windowStart, to: now.toISOString() });
			if (papers.length) summary.wouldSend++;
			else summary.wouldSkip++;
			summary.papers += papers.length;
		}
	}
	return summary;
}
