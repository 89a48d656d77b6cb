/**
 * bench:worker's wrapper around a checkout's worker (esbuild aliases `paperboy-worker` to
 * its src/worker/index.ts): counts, per invocation, the D1 statements, queue calls and
 * fetches the worker makes, and prints them as one `BENCH {…}` line when it ends. Nothing
 * else changes: the worker gets the same bindings, wrapped.
 */
// @ts-expect-error: resolved by esbuild's alias when bench/worker.ts bundles a checkout.
import worker from "paperboy-worker";
import type { Counts } from "./worker-counts.ts";

type Env = Record<string, unknown> & { DB: D1Database; SEND_QUEUE: Queue<unknown> };
type Handler = {
	scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void>;
	queue(batch: MessageBatch<unknown>, env: Env, ctx: ExecutionContext): Promise<void>;
	fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response>;
};
const inner = worker as Handler;

/** The invocation running now (miniflare hands the consumer one batch at a time). */
let current: Counts | undefined;
const realFetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
	if (current) current.fetches++;
	return realFetch(input, init);
};

function countStatement<T extends object>(statement: T, counts: Counts): T {
	return new Proxy(statement, {
		get(target, name, receiver) {
			const value = Reflect.get(target, name, receiver);
			if (typeof value !== "function") return value;
			if (name === "bind") return (...args: unknown[]) => countStatement(value.apply(target, args), counts);
			if (name === "all" || name === "run" || name === "first" || name === "raw") {
				return (...args: unknown[]) => {
					counts.d1++;
					return value.apply(target, args);
				};
			}
			return value.bind(target);
		},
	});
}

function wrap(env: Env, counts: Counts): Env {
	const db = env.DB;
	const queue = env.SEND_QUEUE;
	return {
		...env,
		DB: new Proxy(db, {
			get(target, name) {
				if (name === "prepare") return (sql: string) => countStatement(target.prepare(sql), counts);
				if (name === "batch") {
					return (statements: D1PreparedStatement[]) => {
						counts.d1 += statements.length;
						return target.batch(statements);
					};
				}
				if (name === "exec") {
					return (sql: string) => {
						counts.d1++;
						return target.exec(sql);
					};
				}
				const value = Reflect.get(target, name);
				return typeof value === "function" ? value.bind(target) : value;
			},
		}),
		SEND_QUEUE: {
			metrics: () => queue.metrics(),
			send: (body: unknown, options?: QueueSendOptions) => {
				counts.queueCalls++;
				counts.enqueued++;
				return queue.send(body, options);
			},
			sendBatch: (messages: Iterable<MessageSendRequest<unknown>>, options?: QueueSendBatchOptions) => {
				const list = [...messages];
				counts.queueCalls++;
				counts.enqueued += list.length;
				return queue.sendBatch(list, options);
			},
		} as Queue<unknown>,
	};
}

const fresh = (kind: Counts["kind"]): Counts => ({
	kind,
	d1: 0,
	queueCalls: 0,
	enqueued: 0,
	fetches: 0,
	messages: 0,
	steps: 0,
	ms: 0,
});

async function counted(counts: Counts, run: () => Promise<void>) {
	current = counts;
	const started = Date.now();
	try {
		await run();
	} finally {
		counts.ms = Date.now() - started;
		current = undefined;
		console.log(`BENCH ${JSON.stringify(counts)}`);
	}
}

export default {
	fetch: (request: Request, env: Env, ctx: ExecutionContext) => inner.fetch(request, env, ctx),
	scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext) {
		const counts = fresh("scheduled");
		return counted(counts, () => inner.scheduled(controller, wrap(env, counts), ctx));
	},
	queue(batch: MessageBatch<unknown>, env: Env, ctx: ExecutionContext) {
		const counts = fresh("queue");
		counts.messages = batch.messages.length;
		counts.steps = batch.messages.filter(
			(m) => typeof m.body === "object" && m.body && "enqueueAfter" in m.body,
		).length;
		return counted(counts, () => inner.queue(batch, wrap(env, counts), ctx));
	},
};
