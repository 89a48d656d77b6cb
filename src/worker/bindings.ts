import type { Env as Settings } from "../core/config.ts";

/** One queue message per planned delivery, so each can be acked or retried on its own. */
export interface SendMessage {
	deliveryId: number;
}

/**
 * A chained enqueue step: match and enqueue the due deliveries with ids after
 * `enqueueAfter`, at most ENQUEUE_STEP_SIZE of them, then put the next step on the queue.
 * The cron sends the first, so its own work does not grow with the number of readers.
 */
export interface EnqueueStep {
	enqueueAfter: number;
	/** Due by this time: the cron's, so a chain ends even while retries fall due. */
	dueBy: string;
	/**
	 * Which chain this is ("<dueBy> <random>"): a delivery records the chain that enqueued it,
	 * so on a Monday, when the weekly and the daily cron both start one, each delivery is
	 * enqueued once.
	 */
	chain: string;
}

export type QueueMessage = SendMessage | EnqueueStep;

/**
 * What wrangler.toml binds, plus every setting as a string: [vars] and secrets arrive
 * under the same names the Node process reads from its environment.
 */
export interface WorkerEnv {
	DB: D1Database;
	SEND_QUEUE: Queue<QueueMessage>;
}

/** The string-valued entries of the env: the settings, without the bindings. */
export function settingsOf(env: object): Settings {
	const settings: Settings = {};
	for (const [name, value] of Object.entries(env)) if (typeof value === "string") settings[name] = value;
	return settings;
}
