/**
 * Issue 15 in workerd: consumers sending at once never send a delivery twice, and the
 * daily housekeeping prunes old deliveries on D1 as on Node.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../../src/worker/index.ts";
import {
	addPapers,
	apiAnswers,
	apiRequestsTo,
	db,
	mailApiUrl,
	migrate,
	recordingBatch,
	recordingQueue,
	runCron,
	runEnqueueSteps,
	smtpMessagesTo,
} from "./helpers.ts";

const weekly = "0 8 * * 1";
const daily = "0 8 * * *";
const ingest = "0 7 * * *";

/** Active readers straight into D1 (the journey tests cover signing up). */
const insertReaders = (prefix: string, count: number, keywords: string, frequency = "weekly") =>
	env.DB.prepare(
		`with recursive n(i) as (select 1 union all select i + 1 from n where i < ?)
		insert into subscribers (email, status, keywords, frequency, manage_salt, consent_at, consent_form_version, created_at, updated_at)
		select ? || i || '@example.org', 'active', ?, ?, 'salt-' || ? || i, datetime(), 'test', datetime(), datetime() from n`,
	)
		.bind(count, prefix, JSON.stringify([keywords]), frequency, prefix)
		.run();

const deliveriesLike = (prefix: string) =>
	db
		.selectFrom("deliveries as d")
		.innerJoin("subscribers as s", "s.id", "d.subscriber_id")
		.select(["d.id", "d.status", "d.created_at", "s.email"])
		.where("s.email", "like", `${prefix}%`)
		.orderBy("d.id")
		.execute();

beforeAll(async () => {
	await migrate();
	await addPapers([
		{
			id: "2501.00001",
			title: "Speculative decoding with draft models",
			abstract: "Speculative decoding speeds up inference of large language models.",
		},
	]);
});

describe("consumers at scale", () => {
	it("sends each delivery once when two consumers get the same messages at the same time", async () => {
		await insertReaders("par-", 8, "speculative decoding");
		const planned = recordingQueue();
		await runCron(weekly, { ...env, SEND_QUEUE: planned.queue });
		await runEnqueueSteps(planned);
		const ids = (await deliveriesLike("par-")).map((d) => d.id);
		expect(ids).toHaveLength(8);
		expect(planned.ids.toSorted()).toEqual(ids.toSorted());

		// Queues deliver at least once: the same eight messages reach two consumers at once.
		const bodies = Object.fromEntries(ids.map((deliveryId) => [`m${deliveryId}`, { deliveryId }]));
		const first = recordingBatch(bodies);
		const second = recordingBatch(bodies);
		const contexts = [createExecutionContext(), createExecutionContext()];
		await Promise.all([
			worker.queue(first.batch, env, contexts[0] as ExecutionContext),
			worker.queue(second.batch, env, contexts[1] as ExecutionContext),
		]);
		await Promise.all(contexts.map((ctx) => waitOnExecutionContext(ctx)));

		for (let i = 1; i <= 8; i++) {
			const mails = await smtpMessagesTo(`par-${i}@example.org`);
			expect(mails).toHaveLength(1);
			expect(mails[0]?.text).toContain("Speculative decoding with draft models");
		}
		expect((await deliveriesLike("par-")).map((d) => d.status)).toEqual(Array(8).fill("sent"));
		// Every message is settled: acked where sent, or retried after the lease where the other held it.
		expect(first.acks.length + first.retries.length).toBe(8);
		expect(second.acks.length + second.retries.length).toBe(8);
		// A retried message finds its delivery sent, and is acked without a second mail.
		const again = recordingBatch(bodies);
		await worker.queue(again.batch, env, createExecutionContext());
		expect(again.acks).toHaveLength(8);
		expect(await smtpMessagesTo("par-1@example.org")).toHaveLength(1);
	});
	it("on a Monday the weekly and the daily cron both fire, and each delivery is enqueued once", async () => {
		await insertReaders("mon-", 3, "speculative decoding");
		await insertReaders("day-", 2, "speculative decoding", "daily");
		const planned = recordingQueue();
		await runCron(weekly, { ...env, SEND_QUEUE: planned.queue });
		await runCron(daily, { ...env, SEND_QUEUE: planned.queue });
		expect(planned.steps).toHaveLength(2);
		await runEnqueueSteps(planned);

		const ids = [...(await deliveriesLike("mon-")), ...(await deliveriesLike("day-"))].map((d) => d.id);
		expect(ids).toHaveLength(5);
		// Both chains ran over the same outbox; each delivery went on the queue once.
		expect(planned.ids.toSorted()).toEqual(ids.toSorted());
	});

	it("sends a queue batch through the mail API's batch endpoint in one request, and keeps to its 429", async () => {
		const httpEnv = { ...env, MAIL_TRANSPORT: "http", MAIL_API_URL: mailApiUrl(), MAIL_API_TOKEN: "test-token" };
		await insertReaders("busy-", 3, "speculative decoding");
		const planned = recordingQueue();
		await runCron(weekly, { ...httpEnv, SEND_QUEUE: planned.queue });
		await runEnqueueSteps(planned, httpEnv);
		const rows = await deliveriesLike("busy-");
		const bodies = Object.fromEntries(rows.map((d, i) => [`m${i + 1}`, { deliveryId: d.id }]));
		const stored = () =>
			db
				.selectFrom("deliveries")
				.select(["status", "attempts", "last_error"])
				.where(
					"id",
					"in",
					rows.map((d) => d.id),
				)
				.orderBy("id")
				.execute();

		// Over the provider's rate: the request is answered 429 with Retry-After: 30, as Resend does.
		await apiAnswers("busy-1@example.org", 429);
		const limited = recordingBatch(bodies);
		await worker.queue(limited.batch, httpEnv, createExecutionContext());
		expect(limited.acks).toEqual([]);
		expect(limited.retries).toHaveLength(3);
		for (const retry of limited.retries) {
			expect(retry.delaySeconds).toBeGreaterThanOrEqual(28);
			expect(retry.delaySeconds).toBeLessThanOrEqual(30);
		}
		// The attempt is given back: the reader's retries are not used up by the provider's rate.
		for (const row of await stored()) expect(row).toMatchObject({ status: "pending", attempts: 0 });
		expect((await stored())[0]?.last_error).toContain("429");

		// Thirty seconds on, the API takes the batch, but refuses one message (a 422 for it alone).
		await apiAnswers("busy-1@example.org", 200);
		await apiAnswers("busy-3@example.org", 422);
		await env.DB.prepare("update deliveries set next_attempt_at = ? where status = 'pending'")
			.bind(new Date().toISOString())
			.run();
		const taken = recordingBatch(bodies);
		await worker.queue(taken.batch, httpEnv, createExecutionContext());
		expect(taken.acks.toSorted()).toEqual(["m1", "m2", "m3"]);
		expect((await stored()).map((r) => r.status)).toEqual(["sent", "sent", "failed"]);
		const [, sent] = await apiRequestsTo("busy-1@example.org");
		// One request carried the three, keyed for idempotency by their Message-IDs.
		expect(sent?.batchOf).toBe(3);
		expect(sent?.headers["idempotency-key"]).toMatch(/^batch\/[0-9a-f]{64}$/);
		expect(sent?.body.headers?.["Message-ID"]).toMatch(/^<[\w-]+@paperboy\.test>$/);
		expect(await apiRequestsTo("busy-2@example.org")).toHaveLength(2);
	});
});

describe("DELIVERY_RETENTION_DAYS on D1", () => {
	it("the daily housekeeping prunes year-old deliveries but keeps each reader's latest", async () => {
		await insertReaders("old-", 2, "speculative decoding");
		const readers = await db.selectFrom("subscribers").select("id").where("email", "like", "old-%").execute();
		const ago = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
		for (const { id } of readers) {
			for (const [period, status, days] of [
				["weekly:2025-W01", "sent", 400],
				["weekly:2025-W02", "failed", 393],
				["weekly:2025-W03", "skipped", 386],
				["weekly:2025-W40", "sent", 100],
			] as const) {
				await env.DB.prepare(
					`insert into deliveries (subscriber_id, period, status, window_start, window_end, next_attempt_at, created_at)
					values (?, ?, ?, ?, ?, ?, ?)`,
				)
					.bind(id, period, status, ago(days + 7), ago(days), ago(days), ago(days))
					.run();
			}
		}
		// A reader whose latest digest is itself more than a year old keeps it.
		await env.DB.prepare(
			`delete from deliveries where period = 'weekly:2025-W40'
			and subscriber_id = (select id from subscribers where email = 'old-2@example.org')`,
		).run();

		await runCron(ingest);

		const left = await deliveriesLike("old-");
		expect(left.map((d) => [d.email, d.status])).toEqual([
			["old-1@example.org", "sent"],
			["old-2@example.org", "skipped"],
		]);
	});
});
