import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../../src/worker/index.ts";
import {
	activeReader,
	addPapers,
	db,
	deliveriesOf,
	migrate,
	oneClickUnsubscribe,
	recordingBatch,
	recordingQueue,
	runCron,
	runEnqueueSteps,
	smtpAnswers,
	smtpMessagesTo,
	subscriber,
} from "./helpers.ts";

const weekly = "0 8 * * 1";

beforeAll(async () => {
	await migrate();
	await addPapers([
		{
			id: "2312.00752",
			title: "Mamba: Linear-Time Sequence Modeling with Selective State Spaces",
			abstract: "Selective state space models match Transformers on language modeling.",
		},
		{
			id: "2405.21060",
			title: "Transformers are SSMs: Generalized Models and Efficient Algorithms",
			abstract: "Structured state space duality connects attention and state space models.",
		},
		{ id: "2401.00001", title: "Protein folding at scale", abstract: "Nothing about sequences of tokens." },
	]);
});

describe("the digest on Cron Triggers and a Queue", () => {
	it("plans on the weekly cron, sends through the queue, and sends nothing more for the same period", async () => {
		const email = "digest-reader@example.org";
		await activeReader(email, "state space models");

		const first = recordingQueue(env.SEND_QUEUE);
		await runCron(weekly, { ...env, SEND_QUEUE: first.queue });
		expect(await deliveriesOf(email)).toHaveLength(1);
		// The cron starts the chained enqueue steps; the real queue runs them in queue().
		expect(first.steps).toHaveLength(1);

		// The real queue hands the step, then the delivery's message, to the worker's queue() consumer.
		const [, digest] = await smtpMessagesTo(email, 2, 15_000);
		expect(digest?.subject).toMatch(/state space|Mamba|SSMs/i);
		expect(digest?.text).toContain("Mamba: Linear-Time Sequence Modeling with Selective State Spaces");
		expect(digest?.text).not.toContain("Protein folding");
		expect(digest?.headers["message-id"]).toMatch(/^<[\w-]{32}@paperboy\.test>$/);
		expect(digest?.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
		expect(digest?.headers["list-id"]).toBe("paperboy digest <digest.paperboy.test>");
		expect(digest?.headers["auto-submitted"]).toBe("auto-generated");
		const unsubscribeUrl = /^<(http:\/\/paperboy\.test\/unsubscribe\/[\w-]{43})>/.exec(
			digest?.headers["list-unsubscribe"] ?? "",
		)?.[1];
		expect(unsubscribeUrl).toBeDefined();
		await expect.poll(async () => (await deliveriesOf(email))[0]?.status).toBe("sent");

		const second = recordingQueue(env.SEND_QUEUE);
		await runCron(weekly, { ...env, SEND_QUEUE: second.queue });
		expect(second.ids).toEqual([]);
		expect(await deliveriesOf(email)).toHaveLength(1);
		expect(await smtpMessagesTo(email)).toHaveLength(2);

		// What a mailbox provider does with List-Unsubscribe + List-Unsubscribe-Post.
		expect((await oneClickUnsubscribe(new URL(unsubscribeUrl ?? "").pathname)).status).toBe(200);
		expect((await subscriber(email))?.status).toBe("unsubscribed");
	});

	it("acks what the server accepted or refused for good, and retries a 4xx when the outbox wants it", async () => {
		const readers = { ok: "queue-ok@example.org", later: "queue-451@example.org", gone: "queue-550@example.org" };
		for (const email of Object.values(readers)) await activeReader(email, "state space models");
		await smtpAnswers(readers.later, 451, "4.7.1 Greylisted, try again later");
		await smtpAnswers(readers.gone, 550, "5.1.1 No such user");

		// Plan without the real consumer seeing it: this test hands the batch over itself.
		const planned = recordingQueue();
		await runCron(weekly, { ...env, SEND_QUEUE: planned.queue });
		await runEnqueueSteps(planned);
		const idOf = async (email: string) => (await deliveriesOf(email))[0]?.id ?? 0;
		const ids = { ok: await idOf(readers.ok), later: await idOf(readers.later), gone: await idOf(readers.gone) };
		expect(planned.ids).toEqual(expect.arrayContaining(Object.values(ids)));

		const { batch, acks, retries } = recordingBatch({
			ok: { deliveryId: ids.ok },
			later: { deliveryId: ids.later },
			gone: { deliveryId: ids.gone },
		});
		const ctx = createExecutionContext();
		await worker.queue(batch, env, ctx);
		await waitOnExecutionContext(ctx);

		expect(acks.toSorted()).toEqual(["gone", "ok"]);
		expect(retries).toEqual([{ id: "later", delaySeconds: expect.any(Number) }]);
		// Not before the outbox's next attempt (SEND_RETRY_BASE_SECONDS = 60, jittered).
		const later = (await deliveriesOf(readers.later))[0];
		expect(later).toMatchObject({ status: "pending", attempts: 1 });
		const due = (Date.parse(later?.next_attempt_at ?? "") - Date.now()) / 1000;
		expect(retries[0]?.delaySeconds).toBeGreaterThanOrEqual(Math.floor(due) - 1);
		expect(retries[0]?.delaySeconds).toBeGreaterThanOrEqual(30);
		expect((await deliveriesOf(readers.ok))[0]?.status).toBe("sent");
		expect((await deliveriesOf(readers.gone))[0]?.status).toBe("failed");
		const suppressed = await db.selectFrom("suppressions").select("email").execute();
		expect(suppressed.map((s) => s.email)).toContain(readers.gone);

		// Queues deliver at least once: a message for a delivery already sent is acked, not resent.
		const again = recordingBatch({ ok: { deliveryId: ids.ok } });
		await worker.queue(again.batch, env, createExecutionContext());
		expect(again.acks).toEqual(["ok"]);
		expect(await smtpMessagesTo(readers.ok)).toHaveLength(2);
	});

	it("enqueues a large run in chained steps: the cron makes one queue call, each step a bounded few", async () => {
		const readers = 1234;
		const stepEnv = { ...env, ENQUEUE_STEP_SIZE: "500" };
		// One statement: D1 binds at most 100 values per query, so no multi-row VALUES here.
		await env.DB.prepare(
			`with recursive n(i) as (select 1 union all select i + 1 from n where i < ${readers})
			insert into subscribers (email, status, keywords, manage_salt, consent_at, consent_form_version, created_at, updated_at)
			select 'bulk-' || i || '@example.org', 'active', '["state space models"]', 'salt-' || i, datetime(), 'test',
				datetime(), datetime() from n`,
		).run();
		const recorded = recordingQueue();
		await runCron(weekly, { ...stepEnv, SEND_QUEUE: recorded.queue });
		// Whatever the number of readers: one message, the first step.
		expect(recorded.calls).toBe(1);
		expect(recorded.ids).toEqual([]);
		expect(await runEnqueueSteps(recorded, stepEnv)).toBe(3);

		const bulk = await db
			.selectFrom("deliveries as d")
			.innerJoin("subscribers as s", "s.id", "d.subscriber_id")
			.select(["d.id", "d.planned_papers"])
			.where("s.email", "like", "bulk-%")
			.execute();
		expect(bulk).toHaveLength(readers);
		expect(recorded.ids).toEqual(expect.arrayContaining(bulk.map((d) => d.id)));
		expect(new Set(recorded.ids).size).toBe(recorded.ids.length);
		expect(Math.max(...recorded.batches)).toBeLessThanOrEqual(100);
		// Each step matched its share: the papers travel with the delivery, not rebuilt per batch.
		for (const d of bulk) expect(JSON.parse(d.planned_papers ?? "[]").length).toBe(2);
		// Nobody will send these: keep them out of later runs.
		await env.DB.prepare(
			`update deliveries set status = 'skipped'
			where subscriber_id in (select id from subscribers where email like 'bulk-%')`,
		).run();
	});
});
