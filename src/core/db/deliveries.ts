/** The `deliveries` table: the outbox, one row per reader and period. */
import { sql } from "kysely";
import type {
	ClaimedDelivery,
	Delivery,
	DeliveryOutcome,
	DeliveryStatus,
	PlannedPaper,
	UnmatchedDelivery,
} from "../digest/delivery.ts";
import type { DigestReader, Frequency, Reader } from "../subscriptions/reader.ts";
import type { Db, DeliveryRow, SubscriberRow } from "./schema.ts";
import { toDigestReader, toReader } from "./subscribers.ts";

/**
 * A list of ids bound as one JSON value: D1 binds at most 100 values per statement, and a
 * queue batch (up to 100 deliveries) is claimed, read and settled in one statement each.
 */
const idsIn = (ids: readonly number[]) => sql<number>`(select value from json_each(${JSON.stringify(ids)}))`;

/** planned_papers is [[num, reason, …], …]: compact, as 100,000 rows carry it. */
const plannedToJson = (papers: readonly PlannedPaper[]) => JSON.stringify(papers.map((p) => [p.num, ...p.matched]));
const plannedFromJson = (json: string | null): PlannedPaper[] | undefined =>
	json === null
		? undefined
		: (JSON.parse(json) as [number, ...string[]][]).map(([num, ...matched]) => ({ num, matched }));

/** Deliveries with their reader's window and what composing for and addressing them needs. */
const withReader = (db: Db) =>
	db
		.selectFrom("deliveries as d")
		.innerJoin("subscribers as s", "s.id", "d.subscriber_id")
		.select([
			"d.id",
			"d.subscriber_id",
			"d.window_start",
			"d.window_end",
			"s.email",
			"s.keywords",
			"s.frequency",
			"s.manage_salt",
		]);

const toDelivery = (row: DeliveryRow): Delivery => ({
	id: row.id,
	readerId: row.subscriber_id,
	period: row.period,
	status: row.status,
	windowStart: row.window_start,
	windowEnd: row.window_end,
	attempts: row.attempts,
	nextAttemptAt: row.next_attempt_at,
	claimedAt: row.claimed_at,
	sentAt: row.sent_at,
	lastError: row.last_error,
	messageId: row.message_id,
	paperIds: row.paper_ids ? (JSON.parse(row.paper_ids) as string[]) : [],
	createdAt: row.created_at,
});

export async function listDeliveriesForReader(db: Db, readerId: number): Promise<Delivery[]> {
	const rows = await db
		.selectFrom("deliveries")
		.selectAll()
		.where("subscriber_id", "=", readerId)
		.orderBy("created_at", "desc")
		.execute();
	return rows.map(toDelivery);
}

/**
 * Plans one delivery per active, unsuppressed reader of a frequency for a period, in one
 * statement. A reader's window starts where their last sent (or empty) digest ended, so
 * no paper is offered twice; a first digest looks back `firstWindowStart`. Rerunning
 * plans nothing new: UNIQUE(subscriber_id, period) and DO NOTHING.
 */
export async function planDeliveries(
	db: Db,
	p: { frequency: Frequency; period: string; now: string; firstWindowStart: string },
): Promise<number> {
	const result = await sql`
		insert into deliveries (subscriber_id, period, status, window_start, window_end, next_attempt_at, created_at)
		select s.id, ${p.period}, 'pending',
			coalesce(
				(select max(d.window_end) from deliveries d where d.subscriber_id = s.id and d.status in ('sent', 'skipped')),
				${p.firstWindowStart}),
			${p.now}, ${p.now}, ${p.now}
		from subscribers s
		where s.status = 'active' and s.frequency = ${p.frequency}
			and not exists (select 1 from suppressions x where x.email = s.email)
		on conflict (subscriber_id, period) do nothing`.execute(db);
	return Number(result.numAffectedRows ?? 0);
}

/**
 * Deliveries of earlier periods still waiting for a retry give way to the new period:
 * its window starts at the last digest that did go out, so their papers are not lost.
 */
export async function supersedePendingDeliveries(db: Db, periodPrefix: string, period: string, at: string) {
	const result = await db
		.updateTable("deliveries")
		.set({ status: "failed", last_error: `superseded by ${period}`, claimed_at: at })
		.where("status", "=", "pending")
		.where("period", "like", `${periodPrefix}%`)
		.where("period", "!=", period)
		.executeTakeFirst();
	return Number(result.numUpdatedRows);
}

/**
 * Claims deliveries to send, in one UPDATE … RETURNING, so two senders never claim the
 * same row: due pending rows, and rows whose sender stopped renewing its claim (a crash).
 * With `ids`, claims only those (a queue message names its deliveries).
 */
export async function claimDeliveries(
	db: Db,
	c: { now: string; staleBefore: string; limit: number; ids?: readonly number[] },
): Promise<ClaimedDelivery[]> {
	if (c.ids && !c.ids.length) return [];
	// Each kind of claimable row is read in index order (status, next_attempt_at, id) and
	// cut at the limit before the two are merged: an OR of both would sort every due row
	// on every claim, which makes draining n rows cost n² / limit.
	const candidates = (status: "pending" | "sending") =>
		db
			.selectFrom("deliveries")
			.select(["id", "next_attempt_at"])
			// With ids, `+status` keeps SQLite to the ids' rows (by key) rather than every row of that status.
			.$if(c.ids === undefined, (q) => q.where("status", "=", status))
			.$if(c.ids !== undefined, (q) => q.where(sql<DeliveryStatus>`+status`, "=", status))
			.$if(status === "pending", (q) => q.where("next_attempt_at", "<=", c.now))
			.$if(status === "sending", (q) => q.where("claimed_at", "<", c.staleBefore))
			.$if(c.ids !== undefined, (q) => q.where("id", "in", idsIn(c.ids ?? [])))
			.orderBy("next_attempt_at")
			.orderBy("id")
			.limit(c.limit);
	const claimable = db
		.selectFrom(
			db
				.selectFrom(candidates("pending").as("due"))
				.selectAll()
				.unionAll(db.selectFrom(candidates("sending").as("stale")).selectAll())
				.as("c"),
		)
		.select("c.id")
		.orderBy("c.next_attempt_at")
		.orderBy("c.id")
		.limit(c.limit);
	const claimed = await db
		.updateTable("deliveries")
		.set((eb) => ({ status: "sending", claimed_at: c.now, attempts: eb("attempts", "+", 1) }))
		.where("id", "in", claimable)
		.returning("id")
		.execute();
	if (!claimed.length) return [];
	const rows = await withReader(db)
		.select([
			"d.period",
			"d.attempts",
			"d.created_at",
			"d.planned_papers",
			"s.status",
			(eb) =>
				eb
					.exists(eb.selectFrom("suppressions as x").select("x.email").whereRef("x.email", "=", "s.email"))
					.as("suppressed"),
		])
		.where("d.id", "in", idsIn(claimed.map((r) => r.id)))
		.orderBy("d.id")
		.execute();
	return rows.map((r) => ({
		id: r.id,
		period: r.period,
		windowStart: r.window_start,
		windowEnd: r.window_end,
		attempts: r.attempts,
		plannedAt: r.created_at,
		planned: plannedFromJson(r.planned_papers),
		reader: toDigestReader({ ...r, id: r.subscriber_id }),
		readerStatus: r.status,
		suppressed: Boolean(r.suppressed),
	}));
}

/** A sender still working on these rows says so, so nobody takes them over. */
export async function renewClaims(db: Db, ids: readonly number[], now: string): Promise<void> {
	if (!ids.length) return;
	await db
		.updateTable("deliveries")
		.set({ claimed_at: now })
		.where("id", "in", ids)
		.where("status", "=", "sending")
		.execute();
}

/** Gives claimed rows that were never started back to the outbox (a sender stopping). */
export async function releaseClaims(db: Db, ids: readonly number[]): Promise<void> {
	if (!ids.length) return;
	await db
		.updateTable("deliveries")
		.set((eb) => ({ status: "pending", claimed_at: null, attempts: eb("attempts", "-", 1) }))
		.where("id", "in", ids)
		.where("status", "=", "sending")
		.execute();
}

// In the statements below that join a JSON list to deliveries, `+deliveries.status` stops
// SQLite from walking every row of a status and scanning the list for each: the list
// drives, one lookup by key per entry.

/**
 * Records how claimed deliveries ended, all in one statement (a queue consumer settles a
 * batch with one write rather than one per message). Only rows still in `sending` change.
 */
export async function finishDeliveries(
	db: Db,
	finished: readonly { id: number; outcome: DeliveryOutcome }[],
): Promise<void> {
	if (!finished.length) return;
	const rows = finished.map(({ id, outcome: o }) => ({
		i: id,
		s: o.status === "retry" ? "pending" : o.status,
		at: o.at,
		m: o.status === "sent" ? o.messageId : null,
		p: o.status === "sent" ? JSON.stringify(o.paperIds) : o.status === "skipped" ? "[]" : null,
		e: o.status === "sent" ? null : o.status === "skipped" ? o.reason : o.error,
		n: o.status === "retry" ? o.nextAttemptAt : null,
		u: o.status === "retry" && o.uncounted ? 1 : 0,
	}));
	await sql`
		update deliveries set
			status = j.value ->> 's',
			sent_at = case when j.value ->> 's' in ('sent', 'skipped') then j.value ->> 'at' else deliveries.sent_at end,
			message_id = coalesce(j.value ->> 'm', deliveries.message_id),
			paper_ids = coalesce(j.value ->> 'p', deliveries.paper_ids),
			last_error = j.value ->> 'e',
			next_attempt_at = coalesce(j.value ->> 'n', deliveries.next_attempt_at),
			attempts = deliveries.attempts - (j.value ->> 'u'),
			-- Sent or skipped, the plan has done its work (paper_ids keeps what went out): ~300 bytes
			-- a row less kept. A failed row keeps it: digest --retry-failed may put it back.
			planned_papers = iif(j.value ->> 's' in ('sent', 'skipped'), null, deliveries.planned_papers)
		from json_each(${JSON.stringify(rows)}) as j
		where deliveries.id = j.value ->> 'i' and +deliveries.status = 'sending'`.execute(db);
}

/** Ids of every pending delivery not matched yet, in id order (one read of the due index). */
export async function listUnmatchedDeliveryIds(db: Db): Promise<number[]> {
	const rows = await db
		.selectFrom("deliveries")
		.select("id")
		.where("status", "=", "pending")
		.where("planned_papers", "is", null)
		.orderBy("id")
		.execute();
	return rows.map((r) => r.id);
}

/**
 * Of these deliveries (in id order), the pending ones not matched yet, with what matching
 * needs: the reader's keywords and the window. The ids' range bounds the rows read
 * (`+status` keeps SQLite off the status index, which would read every pending row and
 * sort them for each call).
 */
export async function listUnmatchedDeliveries(db: Db, ids: readonly number[]): Promise<UnmatchedDelivery[]> {
	const first = ids[0];
	const last = ids.at(-1);
	if (first === undefined || last === undefined) return [];
	const rows = await withReader(db)
		.select("d.period")
		.where(sql<DeliveryStatus>`+d.status`, "=", "pending")
		.where("d.planned_papers", "is", null)
		.where("d.id", ">=", first)
		.where("d.id", "<=", last)
		.where("d.id", "in", idsIn(ids))
		.orderBy("d.id")
		.execute();
	return rows.map((r) => ({
		id: r.id,
		period: r.period,
		reader: toDigestReader({ ...r, id: r.subscriber_id }),
		windowStart: r.window_start,
		windowEnd: r.window_end,
	}));
}

/**
 * Stores what planning matched, one statement per few hundred deliveries. A delivery
 * with nothing to send (`empty`) is finished as skipped right here, with `emptyReason`:
 * it never needs a sender.
 */
export async function storePlannedPapers(
	db: Db,
	planned: readonly { id: number; papers: readonly PlannedPaper[]; empty: boolean }[],
	p: { at: string; emptyReason: string },
): Promise<void> {
	for (let i = 0; i < planned.length; i += plannedPerStatement) {
		const rows = planned
			.slice(i, i + plannedPerStatement)
			.map((m) => ({ i: m.id, p: plannedToJson(m.papers), e: m.empty ? 1 : 0 }));
		await sql`
			update deliveries set
				planned_papers = j.value ->> 'p',
				status = iif(j.value ->> 'e', 'skipped', deliveries.status),
				sent_at = iif(j.value ->> 'e', ${p.at}, deliveries.sent_at),
				paper_ids = iif(j.value ->> 'e', '[]', deliveries.paper_ids),
				last_error = iif(j.value ->> 'e', ${p.emptyReason}, deliveries.last_error)
			from json_each(${JSON.stringify(rows)}) as j
			where deliveries.id = j.value ->> 'i' and +deliveries.status = 'pending'`.execute(db);
	}
}

/**
 * Puts the failed deliveries of these periods back in the outbox, due now (`paperboy
 * digest --retry-failed`). Returns how many.
 */
export async function requeueFailedDeliveries(db: Db, periods: readonly string[], now: string): Promise<number> {
	if (!periods.length) return 0;
	const result = await db
		.updateTable("deliveries")
		.set({ status: "pending", attempts: 0, next_attempt_at: now, claimed_at: null })
		.where("status", "=", "failed")
		.where("period", "in", periods)
		.executeTakeFirst();
	return Number(result.numUpdatedRows);
}

/** Deliveries per storePlannedPapers statement: ~300 bytes each keeps one well under D1's 1 MB bound value. */
const plannedPerStatement = 500;

/**
 * Deletes up to `limit` deliveries created before `before` that have finished, except each
 * reader's latest sent or skipped one: where it ended is where their next digest's window
 * starts (never the same paper twice). Returns how many went.
 */
export async function pruneDeliveries(db: Db, p: { before: string; limit: number }): Promise<number> {
	const result = await sql`
		delete from deliveries where id in (
			select d.id from deliveries d
			where d.created_at < ${p.before} and d.status not in ('pending', 'sending')
				and not (d.status in ('sent', 'skipped') and not exists (
					select 1 from deliveries n
					where n.subscriber_id = d.subscriber_id and n.status in ('sent', 'skipped') and n.window_end > d.window_end))
			limit ${p.limit})`.execute(db);
	return Number(result.numAffectedRows ?? 0);
}

/** Whether any claimed row is still being worked on (by anyone). */
export async function countDeliveries(db: Db, where: { status: DeliveryStatus; period?: string }): Promise<number> {
	let query = db
		.selectFrom("deliveries")
		.select((eb) => eb.fn.countAll<number>().as("n"))
		.where("status", "=", where.status);
	if (where.period) query = query.where("period", "=", where.period);
	const row = await query.executeTakeFirstOrThrow();
	return Number(row.n);
}

/** Deliveries by status in these periods, or in all of them. */
export async function countDeliveriesByStatus(db: Db, periods: readonly string[] | "all") {
	const counts: Record<DeliveryStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0, unknown: 0, skipped: 0 };
	if (!periods.length) return counts;
	const rows = await db
		.selectFrom("deliveries")
		.select(["status", (eb) => eb.fn.countAll<number>().as("n")])
		.$if(periods !== "all", (q) => q.where("period", "in", periods as readonly string[]))
		.groupBy("status")
		.execute();
	for (const row of rows) counts[row.status] = Number(row.n);
	return counts;
}

/**
 * Takes up to `limit` due pending deliveries after `afterId` for enqueue chain `chain`
 * and returns their ids in id order: those no chain has enqueued, this chain's own (a step
 * run again) and those a chain started before `staleBefore` enqueued (their queue messages
 * may have been dropped). So two chains running at once enqueue each delivery once.
 */
export async function takeDeliveriesToEnqueue(
	db: Db,
	p: { afterId: number; limit: number; dueBy: string; chain: string; staleBefore: string },
): Promise<number[]> {
	const rows = await db
		.updateTable("deliveries")
		.set({ enqueued_by: p.chain })
		.where("id", "in", (eb) =>
			eb
				.selectFrom("deliveries")
				.select("id")
				.where("status", "=", "pending")
				.where("next_attempt_at", "<=", p.dueBy)
				.where("id", ">", p.afterId)
				.where((w) =>
					w.or([w("enqueued_by", "is", null), w("enqueued_by", "=", p.chain), w("enqueued_by", "<", p.staleBefore)]),
				)
				.orderBy("id")
				.limit(p.limit),
		)
		.returning("id")
		.execute();
	return rows.map((r) => r.id).sort((a, b) => a - b);
}

/** Where these deliveries stand now: the Workers queue consumer acks or retries each message by it. */
export async function listDeliveryStates(
	db: Db,
	ids: readonly number[],
): Promise<Pick<Delivery, "id" | "status" | "nextAttemptAt">[]> {
	if (!ids.length) return [];
	const rows = await db
		.selectFrom("deliveries")
		.select(["id", "status", "next_attempt_at"])
		.where("id", "in", idsIn(ids))
		.execute();
	return rows.map((r) => ({ id: r.id, status: r.status, nextAttemptAt: r.next_attempt_at }));
}

/** Where a reader's next digest window would start (end of their last one). */
export async function lastWindowEnd(db: Db, readerId: number): Promise<string | undefined> {
	const row = await db
		.selectFrom("deliveries")
		.select((eb) => eb.fn.max("window_end").as("end"))
		.where("subscriber_id", "=", readerId)
		.where("status", "in", ["sent", "skipped"])
		.executeTakeFirst();
	return row?.end ?? undefined;
}

/** The readers `planDeliveries` would plan for now, with their windows (for dry runs). */
export async function listReadersDue(
	db: Db,
	p: { frequency: Frequency; period: string; firstWindowStart: string },
): Promise<{ reader: DigestReader; windowStart: string }[]> {
	const result = await sql<{
		id: number;
		email: string;
		keywords: string;
		frequency: Frequency;
		manage_salt: string;
		window_start: string;
	}>`
		select s.id, s.email, s.keywords, s.frequency, s.manage_salt,
			coalesce(
				(select max(d.window_end) from deliveries d where d.subscriber_id = s.id and d.status in ('sent', 'skipped')),
				${p.firstWindowStart}) as window_start
		from subscribers s
		where s.status = 'active' and s.frequency = ${p.frequency}
			and not exists (select 1 from suppressions x where x.email = s.email)
			and not exists (select 1 from deliveries d where d.subscriber_id = s.id and d.period = ${p.period})
		order by s.id`.execute(db);
	return result.rows.map((r) => ({ reader: toDigestReader(r), windowStart: r.window_start }));
}

/** The reader a delivery went to, for acting on a bounce that names it. */
export async function findDeliveryReader(
	db: Db,
	deliveryId: number,
): Promise<{ deliveryId: number; readerId: number; email: string } | undefined> {
	const row = await db
		.selectFrom("deliveries as d")
		.innerJoin("subscribers as s", "s.id", "d.subscriber_id")
		.select(["d.id", "s.id as reader_id", "s.email"])
		.where("d.id", "=", deliveryId)
		.executeTakeFirst();
	return row && { deliveryId: row.id, readerId: row.reader_id, email: row.email };
}

/** A reader's last sent digests, newest first: when each went out and the papers it carried. */
export async function listSentDigests(
	db: Db,
	readerId: number,
	limit: number,
): Promise<{ period: string; sentAt: string; paperIds: string[] }[]> {
	const rows = await db
		.selectFrom("deliveries")
		.select(["period", "sent_at", "paper_ids"])
		.where("subscriber_id", "=", readerId)
		.where("status", "=", "sent")
		.orderBy("sent_at", "desc")
		.limit(limit)
		.execute();
	return rows.map((r) => ({
		period: r.period,
		sentAt: r.sent_at ?? "",
		paperIds: r.paper_ids ? (JSON.parse(r.paper_ids) as string[]) : [],
	}));
}

/** Deliveries by period and status, for these periods (one grouped query). */
export async function countDeliveriesPerPeriod(
	db: Db,
	periods: readonly string[],
): Promise<Map<string, Record<DeliveryStatus, number>>> {
	const counts = new Map<string, Record<DeliveryStatus, number>>();
	if (!periods.length) return counts;
	const rows = await db
		.selectFrom("deliveries")
		.select(["period", "status", (eb) => eb.fn.countAll<number>().as("n")])
		.where("period", "in", periods)
		.groupBy(["period", "status"])
		.execute();
	for (const period of periods) {
		counts.set(period, { pending: 0, sending: 0, sent: 0, failed: 0, unknown: 0, skipped: 0 });
	}
	for (const row of rows) {
		const entry = counts.get(row.period);
		if (entry) entry[row.status] = Number(row.n);
	}
	return counts;
}

/** A reader's deliveries for these periods. */
export async function listReaderDeliveriesIn(db: Db, readerId: number, periods: readonly string[]) {
	if (!periods.length) return [];
	const rows = await db
		.selectFrom("deliveries")
		.selectAll()
		.where("subscriber_id", "=", readerId)
		.where("period", "in", periods)
		.execute();
	return rows.map(toDelivery);
}

/** Failed deliveries and those waiting for a retry, newest first, with their reader's address. */
export async function listTroubledDeliveries(db: Db, limit: number): Promise<(Delivery & { email: string })[]> {
	const rows = await db
		.selectFrom("deliveries as d")
		.innerJoin("subscribers as s", "s.id", "d.subscriber_id")
		.selectAll("d")
		.select("s.email")
		.where((eb) =>
			eb.or([eb("d.status", "=", "failed"), eb.and([eb("d.status", "=", "pending"), eb("d.attempts", ">", 0)])]),
		)
		.orderBy("d.id", "desc")
		.limit(limit)
		.execute();
	return rows.map((r) => ({ ...toDelivery(r), email: r.email }));
}

/**
 * Makes a delivery due now: one waiting for a retry, or a failed one that is still its
 * reader's newest (an older period's papers went into the newer digest). A superseded
 * delivery is left alone. True when the row changed.
 */
export async function markDeliveryDue(db: Db, id: number, now: string): Promise<boolean> {
	const result = await sql`
		update deliveries set status = 'pending', next_attempt_at = ${now},
			attempts = case when status = 'failed' then 0 else attempts end
		where id = ${id}
			and ((status = 'pending' and attempts > 0)
				or (status = 'failed' and coalesce(last_error, '') not like 'superseded%'
					and id = (select max(o.id) from deliveries o where o.subscriber_id = deliveries.subscriber_id)))`.execute(db);
	return Number(result.numAffectedRows ?? 0) > 0;
}

/**
 * Active, unsuppressed weekly readers whose last `weeks` weekly deliveries were all
 * skipped because nothing matched (`reason`), and who got no `note` after `notAfter`:
 * readers who have heard nothing for weeks. At most `limit`, by id.
 */
export async function listSilentReaders(
	db: Db,
	p: { weeks: number; reason: string; note: string; notAfter: string; limit: number },
): Promise<Reader[]> {
	const { rows } = await sql<SubscriberRow>`
		select s.* from subscribers s
		where s.status = 'active' and s.frequency = 'weekly'
			and not exists (select 1 from suppressions x where x.email = s.email)
			and not exists (select 1 from reader_notes n
				where n.subscriber_id = s.id and n.kind = ${p.note} and n.sent_at > ${p.notAfter})
			and (select count(*) from (
				select d.status, d.last_error from deliveries d
				where d.subscriber_id = s.id and d.period like 'weekly:%'
				order by d.period desc limit ${p.weeks}) last
				where last.status = 'skipped' and last.last_error = ${p.reason}) = ${p.weeks}
		order by s.id limit ${p.limit}`.execute(db);
	return rows.map(toReader);
}
