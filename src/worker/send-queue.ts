import type { Deps } from "../core/deps.ts";
import { deliveryStates, drainOutbox, dueDeliveryIds } from "../core/digest/outbox.ts";
import type { SendMessage } from "./bindings.ts";

/** Ids read from D1 per query. */
const idPage = 1000;
/** Queues take at most 100 messages (and 256 KB) per sendBatch. */
const sendBatchSize = 100;
/** Queues delay a retry by at most 12 hours. */
const maxRetryDelaySeconds = 12 * 60 * 60;

/**
 * Puts every delivery that is due now on the queue, one message per delivery, so the
 * scheduled invocation only reads ids and the sending (rendering, SMTP or HTTP) is spread
 * over queue invocations. Due retries whose messages the queue gave up on are picked up
 * here too. A delivery enqueued twice is still sent once: the consumer claims it in the
 * outbox before sending. Cost: one D1 query per 1,000 and one queue call per 100
 * deliveries, so Workers' 1,000 subrequests per invocation reach about 90,000 readers.
 */
export async function enqueueDueDeliveries(deps: Deps, queue: Queue<SendMessage>): Promise<{ enqueued: number }> {
	let enqueued = 0;
	for await (const ids of dueDeliveryIds(deps, idPage)) {
		for (let i = 0; i < ids.length; i += sendBatchSize) {
			const chunk = ids.slice(i, i + sendBatchSize);
			await queue.sendBatch(chunk.map((deliveryId) => ({ body: { deliveryId }, contentType: "json" })));
			enqueued += chunk.length;
		}
	}
	return { enqueued };
}

export interface ConsumeSummary {
	acked: number;
	retried: number;
}

/**
 * The queue consumer: claims the batch's deliveries in the outbox, sends them one after
 * another over this invocation's mail connection, and then settles each message by what
 * the outbox says. Finished (sent, skipped, failed for good) is acked; a temporary
 * failure is retried when the outbox wants its next attempt; a delivery another
 * invocation holds is retried after its lease, in case that invocation dies.
 */
export async function consumeSendBatch(deps: Deps, batch: MessageBatch<SendMessage>): Promise<ConsumeSummary> {
	const byId = new Map<number, Message<SendMessage>[]>();
	for (const message of batch.messages) {
		const id = message.body?.deliveryId;
		if (!Number.isSafeInteger(id) || id <= 0) {
			deps.log.warn("queue message without a delivery id dropped", { body: message.body });
			message.ack();
			continue;
		}
		byId.set(id, [...(byId.get(id) ?? []), message]);
	}
	const ids = [...byId.keys()];
	const summary: ConsumeSummary = { acked: 0, retried: 0 };
	try {
		await drainOutbox(deps, { ids, concurrency: 1 });
	} catch (error) {
		// The outbox itself failed (D1 unavailable): nothing is lost, try the lot again later.
		deps.log.error("sending a queue batch failed", { error, deliveries: ids.length });
		batch.retryAll({ delaySeconds: 60 });
		return { acked: 0, retried: batch.messages.length };
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
