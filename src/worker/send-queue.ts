import { randomToken } from "../core/crypto.ts";
import type { Deps } from "../core/deps.ts";
import { deliveryStates, drainOutbox, matchPlannedDeliveries, takeDuePage } from "../core/digest/outbox.ts";
import type { EnqueueStep, QueueMessage, SendMessage } from "./bindings.ts";

/** Queues take at most 100 messages (and 256 KB) per sendBatch. */
const sendBatchSize = 100;
/** Queues delay a retry by at most 12 hours. */
const maxRetryDelaySeconds = 12 * 60 * 60;
/**
 * A delivery still pending that a chain started this long before enqueued is enqueued
 * again by the next chain (the daily cron's): the queue may have dropped its message
 * after max_retries. Chains started together (a Monday's two crons) never take each
 * other's.
 */
const staleChainMs = 12 * 60 * 60 * 1000;
/** Outcomes a consumer writes per statement (docs/decisions/081-batched-outcomes.md). */
const recordEvery = 10;

/**
 * What a digest cron does after planning: puts the first enqueue step of a new chain on
 * the queue. One queue call however many readers there are; the steps do the rest.
 */
export async function startEnqueue(deps: Deps, queue: Queue<QueueMessage>): Promise<{ enqueueSteps: "started" }> {
	const dueBy = deps.clock.now().toISOString();
	const step: EnqueueStep = { enqueueAfter: 0, dueBy, chain: `${dueBy} ${randomToken().slice(0, 12)}` };
	await queue.send(step, { contentType: "json" });
	return { enqueueSteps: "started" };
}

export interface StepSummary {
	matched: number;
	enqueued: number;
	/** Where the next step starts, if there is one. */
	next: number | undefined;
}

/**
 * One enqueue step: hands on to the next step first (so steps run side by side on as many
 * consumers as the queue allows), then matches the next ENQUEUE_STEP_SIZE due deliveries
 * (their papers stored with them, one matcher for the step) and puts those with papers on
 * the queue, one message each. A step's work is bounded by the step size, never by the
 * number of readers: one D1 statement to take the ids for its chain, a read and a write
 * per 500 matched, a few statements for the step's new topics, one queue call per 100.
 * A step run twice (queues deliver at least once) enqueues twice; the claim sends once.
 */
export async function runEnqueueStep(deps: Deps, queue: Queue<QueueMessage>, step: EnqueueStep): Promise<StepSummary> {
	const size = deps.config.queue.enqueueStepSize;
	const page = await takeDuePage(deps, {
		afterId: step.enqueueAfter,
		limit: size,
		dueBy: step.dueBy,
		chain: step.chain,
		staleBefore: new Date(Date.parse(step.dueBy) - staleChainMs).toISOString(),
	});
	const last = page.at(-1);
	if (last === undefined) return { matched: 0, enqueued: 0, next: undefined };
	// The next step goes first, so another consumer matches the next share while this one does.
	const next = page.length === size ? last : undefined;
	if (next !== undefined) await queue.send({ ...step, enqueueAfter: next }, { contentType: "json" });
	const matched = await matchPlannedDeliveries(deps, { ids: page });
	// Matching finished the ones with no papers (skipped): only the rest need a sender.
	const empty = new Set(matched.emptyIds);
	const ids = empty.size ? page.filter((id) => !empty.has(id)) : page;
	for (let i = 0; i < ids.length; i += sendBatchSize) {
		const chunk = ids.slice(i, i + sendBatchSize);
		await queue.sendBatch(
			chunk.map((deliveryId): { body: SendMessage; contentType: "json" } => ({
				body: { deliveryId },
				contentType: "json",
			})),
		);
	}
	return { matched: matched.matched, enqueued: ids.length, next };
}

export interface ConsumeSummary {
	acked: number;
	retried: number;
	steps: number;
}

const isStep = (body: unknown): body is EnqueueStep =>
	typeof body === "object" && body !== null && Number.isSafeInteger((body as EnqueueStep).enqueueAfter);

/**
 * The queue consumer: runs enqueue steps, and for delivery messages claims the batch's
 * deliveries in the outbox, sends SEND_CONCURRENCY at a time over this invocation's mail
 * connections, and then settles each message by what the outbox says. Finished (sent,
 * skipped, failed for good) is acked; a temporary failure is retried when the outbox wants
 * its next attempt; a delivery another invocation holds is retried after its lease, in
 * case that invocation dies.
 */
export async function consumeSendBatch(
	deps: Deps,
	batch: MessageBatch<QueueMessage>,
	queue: Queue<QueueMessage>,
): Promise<ConsumeSummary> {
	const summary: ConsumeSummary = { acked: 0, retried: 0, steps: 0 };
	const byId = new Map<number, Message<QueueMessage>[]>();
	for (const message of batch.messages) {
		if (isStep(message.body)) {
			try {
				const step = await runEnqueueStep(deps, queue, message.body);
				deps.log.info("enqueue step done", { from: message.body.enqueueAfter, ...step });
				message.ack();
				summary.steps++;
			} catch (error) {
				deps.log.error("an enqueue step failed; it will be retried", { error, from: message.body.enqueueAfter });
				message.retry({ delaySeconds: 30 });
			}
			continue;
		}
		const id = (message.body as Partial<SendMessage> | undefined)?.deliveryId;
		if (!Number.isSafeInteger(id) || (id as number) <= 0) {
			deps.log.warn("queue message without a delivery id dropped", { body: message.body });
			message.ack();
			continue;
		}
		byId.set(id as number, [...(byId.get(id as number) ?? []), message]);
	}
	const ids = [...byId.keys()];
	if (!ids.length) return summary;
	try {
		// Through a batch endpoint the whole batch is in flight at once, one request, and its
		// outcomes arrive together: written in one statement.
		const { batchSize } = deps.mailer;
		await drainOutbox(
			deps,
			batchSize
				? { ids, concurrency: batchSize, recordEvery: ids.length }
				: { ids, concurrency: deps.config.queue.sendConcurrency, recordEvery },
		);
	} catch (error) {
		// The outbox itself failed (D1 unavailable): nothing is lost, try the lot again later.
		deps.log.error("sending a queue batch failed", { error, deliveries: ids.length });
		for (const messages of byId.values()) for (const m of messages) m.retry({ delaySeconds: 60 });
		return { ...summary, retried: summary.retried + ids.length };
	}
	const states = new Map((await deliveryStates(deps, ids)).map((s) => [s.id, s]));
	const now = deps.clock.now().getTime();
	for (const [id, messages] of byId) {
		const state = states.get(id);
		let delaySeconds: number | undefined;
		if (state?.status === "pending") delaySeconds = Math.ceil((Date.parse(state.nextAttemptAt) - now) / 1000);
		else if (state?.status === "sending") delaySeconds = deps.config.digest.leaseSeconds;
		for (const message of messages) {
			if (delaySeconds === undefined) {
				message.ack();
				summary.acked++;
			} else {
				message.retry({ delaySeconds: Math.min(maxRetryDelaySeconds, Math.max(0, delaySeconds)) });
				summary.retried++;
			}
		}
	}
	return summary;
}
