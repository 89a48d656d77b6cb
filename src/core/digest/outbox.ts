/**
 * The digest outbox: planning one delivery per reader and period, draining what is due
 * (claim, compose, send, record), and a dry run of both. See
 * docs/decisions/006-outbox-at-least-once.md for what a crash can repeat.
 */
import {
	claimDeliveries,
	countDeliveries,
	finishDeliveries,
	listDeliveryStates,
	listReadersDue,
	listUnmatchedDeliveries,
	listUnmatchedDeliveryIds,
	planDeliveries,
	releaseClaims,
	renewClaims,
	requeueFailedDeliveries,
	storePlannedPapers,
	supersedePendingDeliveries,
	takeDeliveriesToEnqueue,
} from "../db/deliveries.ts";
import { startJobRun } from "../db/job-runs.ts";
import { type PlannedTopic, storePlannedTopics } from "../db/planned-topics.ts";
import type { Deps } from "../deps.ts";
import { digestJobName } from "../jobs/schedule.ts";
import { ensureLinkTokens } from "../subscriptions/link-tokens.ts";
import type { Frequency } from "../subscriptions/reader.ts";
import { suppressAddress } from "../subscriptions/suppress.ts";
import type { ClaimedDelivery, DeliveryOutcome, UnmatchedDelivery } from "./delivery.ts";
import { DigestComposer } from "./digest-composer.ts";
import { periodFor } from "./period.ts";
import { emptyDigestReason, nothingMatched, sendDelivery } from "./send-delivery.ts";

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

export interface MatchSummary {
	/** Deliveries whose papers were matched and stored. */
	matched: number;
	/** Of those, the ones with nothing to send (no match, nothing close to their likes): finished as skipped. */
	emptyIds: number[];
}

/** Deliveries matched and stored per round: one read and one write each. */
const matchPage = 500;

/**
 * Match once per period: computes each planned delivery's papers with one matcher (one
 * full-text query per distinct topic, however many readers share it) and stores them with
 * the delivery, so a sender only claims, renders and sends. With `ids` (in id order),
 * only those (a Workers enqueue step); without, everything unmatched. Safe to repeat.
 */
export async function matchPlannedDeliveries(
	deps: Deps,
	options: { ids?: readonly number[]; composer?: DigestComposer } = {},
): Promise<MatchSummary> {
	const composer = options.composer ?? new DigestComposer(deps);
	const summary: MatchSummary = { matched: 0, emptyIds: [] };
	const ids = options.ids ?? (await listUnmatchedDeliveryIds(deps.db));
	const periods = new PeriodTopics();
	for (let i = 0; i < ids.length; i += matchPage) {
		const due = await listUnmatchedDeliveries(deps.db, ids.slice(i, i + matchPage));
		if (!due.length) continue;
		for (const d of due) periods.add(d);
		// All at once, so the page's new keywords and topics cost a statement or two, not one each.
		await composer.resolveAll(due.flatMap((d) => d.reader.keywords));
		const matched = await Promise.all(
			due.map(async (d) => ({
				id: d.id,
				papers: await composer.plan(d.reader, { from: d.windowStart, to: d.windowEnd }),
			})),
		);
		// A reader no topic matched may still get papers close to what they liked (chosen when
		// the digest is composed): only a digest with neither is finished here.
		const unmatched = due.filter((_, i) => !matched[i]?.papers.length);
		await composer.prepare(unmatched.map((d) => d.reader.id));
		const empty = new Set<number>();
		for (const d of unmatched) {
			const window = { from: d.windowStart, to: d.windowEnd };
			if (!(await composer.recommender.recommend(d.reader.id, window, [])).length) empty.add(d.id);
		}
		// An empty digest is recorded as a sender would record it (the same reason).
		const emptyReason = empty.size ? await emptyDigestReason(deps, composer) : nothingMatched;
		await storePlannedPapers(
			deps.db,
			matched.map((m) => ({ ...m, empty: empty.has(m.id) })),
			{ at: deps.clock.now().toISOString(), emptyReason },
		);
		summary.matched += matched.length;
		summary.emptyIds.push(...empty);
	}
	await periods.store(deps, composer);
	return summary;
}

/** Planned topics are kept this long: the admin topics page reads the last four weeks. */
const plannedTopicsKeepMs = 8 * 7 * 86_400_000;

/**
 * The keywords of the deliveries matched, by period, and the window they span: once they
 * are matched, how many papers each keyword matched is stored for the admin topics page
 * (planned_topics), which then reads it rather than matching every topic again.
 */
class PeriodTopics {
	readonly #periods = new Map<string, { keywords: Set<string>; from: string; to: string }>();

	add(d: UnmatchedDelivery): void {
		const entry = this.#periods.get(d.period);
		if (!entry) {
			this.#periods.set(d.period, { keywords: new Set(d.reader.keywords), from: d.windowStart, to: d.windowEnd });
			return;
		}
		for (const keyword of d.reader.keywords) entry.keywords.add(keyword);
		if (d.windowStart < entry.from) entry.from = d.windowStart;
		if (d.windowEnd > entry.to) entry.to = d.windowEnd;
	}

	async store(deps: Deps, composer: DigestComposer): Promise<void> {
		const topics: PlannedTopic[] = [];
		for (const [period, { keywords, from, to }] of this.#periods) {
			const counted = await composer.countMatches([...keywords], { from, to });
			for (const [keyword, papers] of counted.papers)
				topics.push({ period, keyword, papers, windowStart: counted.from, windowEnd: counted.to });
		}
		if (!topics.length) return;
		const now = deps.clock.now().getTime();
		await storePlannedTopics(deps.db, topics, {
			at: new Date(now).toISOString(),
			keepFrom: new Date(now - plannedTopicsKeepMs).toISOString(),
		});
	}
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
	/**
	 * Outcomes written per statement. 1 (the default) records each message as soon as the
	 * server took it; a Workers consumer records several at a time to stay within D1's
	 * per-invocation query budget (docs/decisions/081-batched-outcomes.md).
	 */
	recordEvery?: number;
}

const emptySummary = (): SendSummary => ({ sent: 0, skipped: 0, failed: 0, retrying: 0 });

/**
 * Sends everything due in the outbox: `concurrency` workers each take the next claimed
 * delivery, send it and record how it ended; when the claimed ones run out, the next
 * batch is claimed. A slow or stuck send holds only its own delivery: the other workers
 * go on claiming and sending. Claims are renewed while held; a claim that stops being
 * renewed (its sender crashed) is taken over after SEND_LEASE_SECONDS, so a crash loses
 * no reader. Only a message that was being handed to the SMTP server at the instant of
 * the crash can go out twice (at-least-once for in-flight messages); its Message-ID is
 * stable, so receivers can drop the copy. While the mailer is paused (the relay is
 * unreachable: circuit-breaker.ts) nothing new is claimed and what was claimed goes
 * back. Before returning it waits for other senders' claims to finish or go stale.
 */
export async function drainOutbox(deps: Deps, options: DrainOptions = {}): Promise<SendSummary> {
	const { db, clock, config } = deps;
	const concurrency = options.concurrency ?? config.mail.poolSize;
	const batchSize = options.batchSize ?? Math.max(concurrency * 8, 50);
	const recordEvery = options.recordEvery ?? 1;
	const leaseMs = config.digest.leaseSeconds * 1000;
	const composer = new DigestComposer(deps);
	const summary = emptySummary();
	// Planned but not matched yet (a run that stopped between the two): match first, with
	// the same matcher the sends then reuse when a row still lacks its papers.
	if (!options.ids) summary.skipped += (await matchPlannedDeliveries(deps, { composer })).emptyIds.length;
	const paused = () => deps.mailer.state?.().status === "paused";
	// A sent message whose outcome could not be written: it may go out again.
	let unrecorded = 0;
	let troubled = false;
	const stopped = () => Boolean(options.signal?.aborted) || paused() || troubled;
	const queued: ClaimedDelivery[] = [];
	const held = new Set<number>();
	let exhausted = false;
	let claiming: Promise<void> | undefined;
	// Outcomes not written yet (more than one only with recordEvery > 1).
	let finished: Finished[] = [];

	const claimMore = async () => {
		const now = clock.now();
		const claimed = await claimDeliveries(db, {
			now: now.toISOString(),
			staleBefore: new Date(now.getTime() - leaseMs).toISOString(),
			limit: batchSize,
			ids: options.ids,
		});
		if (!claimed.length || options.ids) exhausted = true;
		if (!claimed.length) return;
		for (const d of claimed) held.add(d.id);
		await ensureLinkTokens(
			deps,
			claimed.map((d) => d.reader),
		);
		await composer.prepare(claimed.map((d) => d.reader.id));
		// Every planned paper of the batch in one read.
		await composer.load(claimed.flatMap((d) => d.planned?.map((p) => p.num) ?? []));
		queued.push(...claimed);
	};

	// The outcomes are the first thing written after the sends: if that fails (a full or
	// locked disk), nothing new is claimed until they are recorded.
	const record = async () => {
		const batch = finished;
		finished = [];
		if (!batch.length) return;
		if (!(await recordOutcomes(deps, batch, options.signal))) {
			unrecorded += batch.length;
			troubled = true;
		}
		for (const { delivery, outcome } of batch) {
			held.delete(delivery.id);
			if (outcome.status === "failed" && outcome.bounce) {
				await suppressAddress(deps, { email: delivery.reader.email, reason: "bounce", detail: outcome.bounce }).catch(
					(error: unknown) =>
						deps.log.error("suppressing a bounced address failed", { deliveryId: delivery.id, error }),
				);
			}
		}
	};

	const worker = async () => {
		for (;;) {
			// On stop (SIGTERM, a paused relay) each worker finishes the message it is sending and takes no other.
			if (stopped()) return;
			const delivery = queued.shift();
			if (!delivery) {
				if (exhausted) return;
				claiming ??= claimMore().finally(() => {
					claiming = undefined;
				});
				await claiming;
				continue;
			}
			const outcome = await sendOne(deps, composer, delivery);
			finished.push({ delivery, outcome });
			if (finished.length >= recordEvery) await record();
			if (outcome.status === "retry") {
				// Repeats within seconds collapse into one summary line (logging.ts).
				deps.log.warn("a digest could not be sent now; it is retried later", {
					deliveryId: delivery.id,
					error: outcome.error,
				});
				summary.retrying++;
			} else summary[outcome.status]++;
			options.onProgress?.(summary);
		}
	};

	const heartbeat = setInterval(
		() => void renewClaims(db, [...held], clock.now().toISOString()).catch(() => {}),
		Math.max(250, leaseMs / 3),
	);
	try {
		for (;;) {
			await Promise.all(Array.from({ length: concurrency }, worker));
			await record();
			if (options.ids || stopped()) break;
			// Nothing claimable: wait for other senders' claims to finish or go stale.
			if ((await countDeliveries(db, { status: "sending" })) === 0) break;
			await clock.sleep(Math.min(1000, leaseMs / 4));
			exhausted = false;
		}
	} finally {
		clearInterval(heartbeat);
		// Claimed but never started (stopped early): back to the outbox for the next run.
		const unstarted = queued.splice(0).map((d) => d.id);
		await releaseClaims(db, unstarted);
	}
	if (unrecorded) {
		deps.log.error("outcomes of sent deliveries could not be recorded: they may be sent again", { unrecorded });
	}
	// A queue batch (ids) reports its own retries; counting the whole outbox per batch would
	// read every pending row thousands of times a run.
	if (!options.ids) summary.retrying = await countDeliveries(db, { status: "pending" });
	return summary;
}

interface Finished {
	delivery: ClaimedDelivery;
	outcome: DeliveryOutcome;
}

/** How long a drain keeps trying to record outcomes (a disk that is full or locked for a while). */
const recordForMs = 120_000;

/**
 * Writes deliveries' outcomes in one statement, trying again with growing pauses while the
 * database refuses writes; true once written. A sent message that is never recorded would
 * be sent again after its lease, so this is worth waiting for.
 */
async function recordOutcomes(
	deps: Deps,
	batch: readonly Finished[],
	signal: AbortSignal | undefined,
): Promise<boolean> {
	const deliveryIds = batch.map((f) => f.delivery.id);
	const started = Date.now();
	for (let attempt = 0; ; attempt++) {
		try {
			await finishDeliveries(
				deps.db,
				batch.map((f) => ({ id: f.delivery.id, outcome: f.outcome })),
			);
			if (attempt) deps.log.info("delivery outcome recorded after the database refused it", { deliveryIds, attempt });
			return true;
		} catch (error) {
			if (attempt === 0) deps.log.error("recording a delivery outcome failed; trying again", { deliveryIds, error });
			if (signal?.aborted || Date.now() - started > recordForMs) return false;
			await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 250 * 2 ** attempt)));
		}
	}
}

/** One delivery's outcome; a bug or a database hiccup while composing is retried later, not lost. */
function sendOne(deps: Deps, composer: DigestComposer, delivery: ClaimedDelivery): Promise<DeliveryOutcome> {
	return sendDelivery(deps, composer, delivery).catch((error: unknown): DeliveryOutcome => {
		deps.log.error("delivery failed unexpectedly", { deliveryId: delivery.id, error });
		return {
			status: "retry",
			at: deps.clock.now().toISOString(),
			nextAttemptAt: new Date(deps.clock.now().getTime() + 60_000).toISOString(),
			error: error instanceof Error ? error.message : String(error),
		};
	});
}

/**
 * Puts the current period's failed deliveries (for these frequencies) back in the outbox,
 * due now: after an outage that outlasted their deadline, or a fixed relay that refused
 * them (`paperboy digest --retry-failed`).
 */
export async function retryFailedDeliveries(
	deps: Pick<Deps, "db" | "clock" | "config">,
	frequencies: readonly Frequency[],
): Promise<{ periods: string[]; requeued: number }> {
	const now = deps.clock.now();
	const periods = frequencies.map((frequency) => periodFor(frequency, now, deps.config.timeZone));
	return { periods, requeued: await requeueFailedDeliveries(deps.db, periods, now.toISOString()) };
}

/**
 * Up to `limit` deliveries due by `dueBy`, after `afterId` in id order, taken for enqueue
 * chain `chain` (see takeDeliveriesToEnqueue): a page for a runtime that hands them to a
 * queue instead of sending here (Workers).
 */
export const takeDuePage = (
	deps: Pick<Deps, "db">,
	page: { afterId: number; limit: number; dueBy: string; chain: string; staleBefore: string },
) => takeDeliveriesToEnqueue(deps.db, page);

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
