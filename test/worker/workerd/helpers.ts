import {
	applyD1Migrations,
	createExecutionContext,
	createScheduledController,
	waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { inject } from "vitest";
import { systemClock } from "../../../src/core/deps.ts";
import { emptyPaperFields } from "../../../src/core/papers/paper.ts";
import { storePapers } from "../../../src/core/papers/store.ts";
import type { EnqueueStep, QueueMessage, WorkerEnv } from "../../../src/worker/bindings.ts";
import { createD1Kysely } from "../../../src/worker/d1.ts";
import worker from "../../../src/worker/index.ts";
import type { ApiRequest, SinkMessage } from "../sink-types.ts";

/** BASE_URL in vitest.worker.config.ts: every link in every message starts with it. */
export const origin = "http://paperboy.test";

export const db = createD1Kysely(env.DB);

/** applyD1Migrations skips what is applied, so every file may call it. */
export const migrate = () => applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

/** Calls the worker's fetch as workerd would, and waits for its waitUntil work (mail). */
export async function request(path: string, init: RequestInit = {}, workerEnv: WorkerEnv = env): Promise<Response> {
	const ctx = createExecutionContext();
	const response = await worker.fetch(new Request(`${origin}${path}`, { redirect: "manual", ...init }), workerEnv, ctx);
	await waitOnExecutionContext(ctx);
	return response;
}

export function postForm(
	path: string,
	fields: Record<string, string>,
	headers: Record<string, string> = {},
	workerEnv: WorkerEnv = env,
) {
	return request(
		path,
		{
			method: "POST",
			headers: { "content-type": "application/x-www-form-urlencoded", origin, ...headers },
			body: new URLSearchParams(fields).toString(),
		},
		workerEnv,
	);
}

/** The value of a named input in a page. */
export function inputValue(html: string, name: string): string {
	const match = new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(html);
	if (match?.[1] === undefined) throw new Error(`no input named ${name}`);
	return match[1].replaceAll("&amp;", "&");
}

/** Fills in the signup form as a browser would: GET / for the signed stamp, then POST. */
export async function signup(
	email: string,
	keywords: string,
	workerEnv: WorkerEnv = env,
	headers: Record<string, string> = {},
): Promise<Response> {
	const page = await (await request("/", {}, workerEnv)).text();
	return postForm("/subscribe", { email, keywords, website: "", stamp: inputValue(page, "stamp") }, headers, workerEnv);
}

const control = (path: string, init?: RequestInit) => fetch(`${inject("controlUrl")}${path}`, init);

/** Waits until the SMTP sink holds `count` messages for `address`. */
export async function smtpMessagesTo(address: string, count = 1, timeoutMs = 10_000): Promise<SinkMessage[]> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const all = (await (await control("/smtp/messages")).json()) as SinkMessage[];
		const mine = all.filter((m) => m.envelopeTo.some((to) => to.toLowerCase() === address.toLowerCase()));
		if (mine.length >= count) return mine;
		if (Date.now() > deadline) throw new Error(`SMTP sink: ${mine.length} of ${count} messages for ${address}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

/** Everything the mail API stand-in was asked to send to `address`. */
export async function apiRequestsTo(address: string): Promise<ApiRequest[]> {
	const all = (await (await control("/api/requests")).json()) as ApiRequest[];
	return all.filter((r) => r.body.to?.some((to) => to.toLowerCase() === address.toLowerCase()));
}

/** Makes the SMTP sink answer RCPT TO for `address` with this code from now on. */
export async function smtpAnswers(address: string, code: number, message: string): Promise<void> {
	await control("/smtp/answer", { method: "POST", body: JSON.stringify({ address, code, message }) });
}

/** Makes the mail API stand-in answer requests for `address` with this status. */
export async function apiAnswers(address: string, status: number): Promise<void> {
	await control("/api/answer", { method: "POST", body: JSON.stringify({ address, status }) });
}

/** The mail API stand-in's URL, for MAIL_API_URL. */
export const mailApiUrl = () => inject("controlUrl");

/** The first link in a text whose path starts with `prefix`, as a path. */
export function linkIn(text: string, prefix: string): string {
	const match = new RegExp(`${origin.replace(/[.]/g, "\\.")}${prefix}[A-Za-z0-9_-]+`).exec(text);
	if (!match) throw new Error(`no ${prefix} link in: ${text}`);
	return match[0].slice(origin.length);
}

export const subscriber = (email: string) =>
	db.selectFrom("subscribers").selectAll().where("email", "=", email).executeTakeFirst();

/** Signs up and follows the emailed confirmation link: an active reader. */
export async function activeReader(email: string, keywords: string): Promise<void> {
	await signup(email, keywords);
	const [confirmation] = await smtpMessagesTo(email);
	const confirmed = await request(linkIn(confirmation?.text ?? "", "/confirm/"));
	if (confirmed.status !== 303) throw new Error(`confirming ${email}: ${confirmed.status}`);
}

/** Stores papers as an ingest would, added now. */
export async function addPapers(papers: { id: string; title: string; abstract: string }[]): Promise<void> {
	await storePapers(
		{ db, clock: systemClock },
		papers.map((p) => ({ ...emptyPaperFields, ...p, absUrl: `https://arxiv.org/abs/${p.id}` })),
		"test",
	);
}

/** Fires a Cron Trigger the way Workers do, and waits for the invocation to end. */
export async function runCron(cron: string, workerEnv: WorkerEnv = env): Promise<void> {
	const ctx = createExecutionContext();
	await worker.scheduled(createScheduledController({ cron, scheduledTime: Date.now() }), workerEnv, ctx);
	await waitOnExecutionContext(ctx);
}

/**
 * A send queue that records what is put on it (delivery ids, enqueue steps) and passes it
 * on to `target` (the real queue), or, without one, keeps it for the test to hand over.
 */
export function recordingQueue(target?: Queue<QueueMessage>) {
	const ids: number[] = [];
	const steps: EnqueueStep[] = [];
	/** Messages per sendBatch call. */
	const batches: number[] = [];
	/** Calls made to the queue (send and sendBatch): each is a subrequest. */
	let calls = 0;
	const note = (body: QueueMessage) => {
		if ("deliveryId" in body) ids.push(body.deliveryId);
		else steps.push(body);
	};
	const none = { metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } } };
	const queue: Queue<QueueMessage> = {
		metrics: async () => (target ? target.metrics() : none.metadata.metrics),
		send: async (body, options) => {
			calls++;
			note(body);
			return target ? target.send(body, options) : none;
		},
		sendBatch: async (messages, options) => {
			calls++;
			const list = [...messages];
			batches.push(list.length);
			for (const m of list) note(m.body);
			return target ? target.sendBatch(list, options) : none;
		},
	};
	return {
		queue,
		ids,
		steps,
		batches,
		get calls() {
			return calls;
		},
	};
}

/**
 * Hands the enqueue steps a recording queue holds to the worker's queue() one by one, as
 * the queue would, until the chain ends. Returns how many steps ran.
 */
export async function runEnqueueSteps(recorded: ReturnType<typeof recordingQueue>, workerEnv: WorkerEnv = env) {
	let ran = 0;
	while (ran < recorded.steps.length) {
		const step = recorded.steps[ran] as EnqueueStep;
		const { batch, acks } = recordingBatch({ step });
		const ctx = createExecutionContext();
		await worker.queue(batch, { ...workerEnv, SEND_QUEUE: recorded.queue }, ctx);
		await waitOnExecutionContext(ctx);
		if (acks.length !== 1) throw new Error(`enqueue step after ${step.enqueueAfter} was not acked`);
		ran++;
	}
	return ran;
}

export const deliveriesOf = async (email: string) =>
	db
		.selectFrom("deliveries as d")
		.innerJoin("subscribers as s", "s.id", "d.subscriber_id")
		.selectAll("d")
		.where("s.email", "=", email)
		.execute();

/** A queue batch as Workers hands it to queue(), recording how each message is settled. */
export function recordingBatch(bodies: Record<string, QueueMessage>) {
	const acks: string[] = [];
	const retries: { id: string; delaySeconds: number | undefined }[] = [];
	const messages = Object.entries(bodies).map(
		([id, body]): Message<QueueMessage> => ({
			id,
			body,
			timestamp: new Date(),
			attempts: 1,
			ack: () => acks.push(id),
			retry: (options) => retries.push({ id, delaySeconds: options?.delaySeconds }),
		}),
	);
	const batch: MessageBatch<QueueMessage> = {
		queue: "paperboy-send",
		messages,
		metadata: { metrics: { backlogCount: messages.length, backlogBytes: 0 } },
		ackAll: () => {
			for (const m of messages) m.ack();
		},
		retryAll: (options) => {
			for (const m of messages) m.retry(options);
		},
	};
	return { batch, acks, retries };
}

/** RFC 8058 one-click, as a mailbox provider sends it: no Origin, no cookie, no CSRF token. */
export const oneClickUnsubscribe = (path: string) =>
	request(path, {
		method: "POST",
		headers: { "content-type": "application/x-www-form-urlencoded" },
		body: "List-Unsubscribe=One-Click",
	});
