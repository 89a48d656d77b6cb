/**
 * Issue 15 on Node: a period's papers are matched once, when it is planned, and stored
 * with each delivery (sending runs no full-text query); old deliveries are pruned by the
 * daily housekeeping without losing where each reader's next digest starts.
 */
import type { KyselyPlugin } from "kysely";
import { beforeEach, describe, expect, it } from "vitest";
import { listDeliveriesForReader } from "../../src/core/db/deliveries.ts";
import { drainOutbox, matchPlannedDeliveries, planDigests } from "../../src/core/digest/outbox.ts";
import { pruneExpired } from "../../src/core/jobs/housekeeping.ts";
import { runDigest } from "../../src/core/jobs/run-job.ts";
import { days, hours } from "../helpers/clock.ts";
import { useJourney } from "../helpers/journey.ts";
import { addPapers, addReaders, paper } from "../helpers/readers.ts";

const j = useJourney();

beforeEach(() => {
	// Seed papers are first seen on Monday 2026-11-23 08:00 UTC; the digest runs an hour later.
	j.rt.clock.advance(hours(1));
});

/** Counts the statements that reach the full-text index. */
function ftsCounter() {
	const counter = { fts: 0, plugin: undefined as unknown as KyselyPlugin };
	counter.plugin = {
		transformQuery: ({ node }) => {
			if (JSON.stringify(node).includes("papers_fts")) counter.fts++;
			return node;
		},
		transformResult: async ({ result }) => result,
	};
	return counter;
}

const readerId = async (email: string) =>
	(await j.rt.deps.db.selectFrom("subscribers").select("id").where("email", "=", email).executeTakeFirstOrThrow()).id;

describe("match once per period", () => {
	it("stores each delivery's papers at planning; sending reads none of the index and mails exactly those", async () => {
		const { rt, sink } = j;
		await addReaders(rt, {
			"ann@example.org": "state space models",
			"amy@example.org": "state space models",
			"bob@example.org": "quantum gravity",
		});
		await planDigests(rt.deps, ["weekly"]);
		const planning = ftsCounter();
		const matched = await matchPlannedDeliveries({ ...rt.deps, db: rt.deps.db.withPlugin(planning.plugin) });
		expect(matched).toEqual({ matched: 3, emptyIds: [expect.any(Number)] });
		// One distinct topic with hits, one without: the index is asked once per topic, not per reader.
		expect(planning.fts).toBeGreaterThan(0);
		expect(planning.fts).toBeLessThanOrEqual(4);
		// Nothing matched for bob: finished at planning, nothing left to send him.
		const [bob] = await listDeliveriesForReader(rt.deps.db, await readerId("bob@example.org"));
		expect(bob).toMatchObject({ status: "skipped", lastError: "no new papers matched" });

		const sending = ftsCounter();
		const sent = await drainOutbox({ ...rt.deps, db: rt.deps.db.withPlugin(sending.plugin) });
		expect(sent).toMatchObject({ sent: 2, failed: 0 });
		expect(sending.fts).toBe(0);
		const mails = await sink.waitFor(2);
		expect(mails.map((m) => m.envelopeTo[0]).toSorted()).toEqual(["amy@example.org", "ann@example.org"]);
		for (const mail of mails) {
			expect(mail.parsed.subject).toBe("5 new papers on state space models");
			expect(mail.parsed.text).toContain("Demystifying the Token Dynamics of Deep Selective State Space Models");
			expect(mail.parsed.html).toContain("Matched: state space models");
		}
		const [ann] = await listDeliveriesForReader(rt.deps.db, await readerId("ann@example.org"));
		expect(ann?.paperIds).toHaveLength(5);
	});

	it("a run reports the readers nothing matched as skipped, as before", async () => {
		await addReaders(j.rt, { "ann@example.org": "state space models", "bob@example.org": "quantum gravity" });
		expect(await runDigest(j.rt.deps, ["weekly"])).toMatchObject({ planned: 2, sent: 1, skipped: 1, failed: 0 });
	});
});

describe("DELIVERY_RETENTION_DAYS", () => {
	it("prunes old deliveries but keeps each reader's latest digest, so no paper comes twice", async () => {
		const rt = await j.restart({ DELIVERY_RETENTION_DAYS: "10" });
		rt.clock.advance(hours(1));
		await addReaders(rt, { "ann@example.org": "state space models" });
		const history = async () =>
			(await listDeliveriesForReader(rt.deps.db, await readerId("ann@example.org"))).map((d) => d.status);

		expect(await runDigest(rt.deps, ["weekly"])).toMatchObject({ sent: 1 });
		rt.clock.advance(days(7));
		await addPapers(rt, [paper("2612.00001", "State space models again", "More state space models.")]);
		rt.clock.advance(hours(1));
		expect(await runDigest(rt.deps, ["weekly"])).toMatchObject({ sent: 1 });
		rt.clock.advance(days(7));
		expect(await runDigest(rt.deps, ["weekly"])).toMatchObject({ sent: 0, skipped: 1 });
		expect(await history()).toEqual(["skipped", "sent", "sent"]);

		// The first digest is 14 days old: gone. The second (7 days) stays.
		expect(await pruneExpired(rt.deps)).toMatchObject({ oldDeliveries: 1 });
		expect(await history()).toEqual(["skipped", "sent"]);

		// Everything is older than 10 days now, but the latest digest says where the next starts.
		rt.clock.advance(days(11));
		expect(await pruneExpired(rt.deps)).toMatchObject({ oldDeliveries: 1 });
		expect(await history()).toEqual(["skipped"]);
		expect(await j.sink.waitFor(2)).toHaveLength(2);
		expect(await runDigest(rt.deps, ["weekly"])).toMatchObject({ planned: 1, sent: 0, skipped: 1 });
		expect(j.sink.messages).toHaveLength(2);

		// 0 keeps everything.
		const forever = await j.restart({ DELIVERY_RETENTION_DAYS: "0" });
		await addReaders(forever, { "ann@example.org": "state space models" });
		await runDigest(forever.deps, ["weekly"]);
		forever.clock.advance(days(400));
		expect(await pruneExpired(forever.deps)).toMatchObject({ oldDeliveries: 0 });
	});
});
