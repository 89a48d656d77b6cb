/** The `bounces` table: bounces and complaints as they arrived, one row per delivery and kind. */
import type { BounceKind } from "../bounces/bounce-report.ts";
import type { Db } from "./schema.ts";

export type RecordedKind = Exclude<BounceKind, "not_a_bounce">;

export interface NewBounce {
	key: string;
	readerId: number;
	deliveryId: number | null;
	kind: RecordedKind;
	status: string | null;
	diagnostic: string | null;
	feedbackType: string | null;
	source: string;
	at: string;
}

export interface RecordedBounce extends NewBounce {
	id: number;
	email: string;
}

/** Records a bounce; false when one with the same key is on file (the same notice again). */
export async function insertBounce(db: Db, b: NewBounce): Promise<boolean> {
	const result = await db
		.insertInto("bounces")
		.values({
			key: b.key,
			subscriber_id: b.readerId,
			delivery_id: b.deliveryId,
			kind: b.kind,
			status: b.status,
			diagnostic: b.diagnostic,
			feedback_type: b.feedbackType,
			source: b.source,
			received_at: b.at,
		})
		.onConflict((oc) => oc.column("key").doNothing())
		.executeTakeFirst();
	return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Soft bounces of a reader since a time (one per delivery: the key holds the delivery). */
export async function countSoftBounces(db: Db, readerId: number, since: string): Promise<number> {
	const row = await db
		.selectFrom("bounces")
		.select((eb) => eb.fn.countAll<number>().as("n"))
		.where("subscriber_id", "=", readerId)
		.where("kind", "=", "soft")
		.where("received_at", ">=", since)
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

/** One reader's bounces and complaints, oldest first (their data export). */
export async function listBouncesOfReader(db: Db, readerId: number) {
	const rows = await db
		.selectFrom("bounces")
		.select(["received_at", "kind", "status", "diagnostic", "feedback_type", "source"])
		.where("subscriber_id", "=", readerId)
		.orderBy("received_at")
		.orderBy("id")
		.execute();
	return rows.map((r) => ({
		at: r.received_at,
		kind: r.kind,
		status: r.status,
		diagnostic: r.diagnostic,
		feedbackType: r.feedback_type,
		source: r.source,
	}));
}

/** The latest bounces first, with the reader's address (for the operator). */
export async function listBounces(db: Db, p: { since: string; limit: number }): Promise<RecordedBounce[]> {
	const rows = await db
		.selectFrom("bounces as b")
		.innerJoin("subscribers as s", "s.id", "b.subscriber_id")
		.selectAll("b")
		.select("s.email")
		.where("b.received_at", ">=", p.since)
		.orderBy("b.received_at", "desc")
		.orderBy("b.id", "desc")
		.limit(p.limit)
		.execute();
	return rows.map((r) => ({
		id: r.id,
		key: r.key,
		email: r.email,
		readerId: r.subscriber_id,
		deliveryId: r.delivery_id,
		kind: r.kind,
		status: r.status,
		diagnostic: r.diagnostic,
		feedbackType: r.feedback_type,
		source: r.source,
		at: r.received_at,
	}));
}

/** How many bounces of each kind arrived since a time (dashboard, metrics). */
export async function countBouncesByKind(db: Db, since: string): Promise<Record<RecordedKind, number>> {
	const counts: Record<RecordedKind, number> = { hard: 0, soft: 0, complaint: 0 };
	const rows = await db
		.selectFrom("bounces")
		.select(["kind", (eb) => eb.fn.countAll<number>().as("n")])
		.where("received_at", ">=", since)
		.groupBy("kind")
		.execute();
	for (const row of rows) counts[row.kind] = Number(row.n);
	return counts;
}
