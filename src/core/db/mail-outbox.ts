/** The `mail_outbox` table: transactional mail waiting for a relay to take it. */
import { sql } from "kysely";
import type { Db } from "./schema.ts";

export interface QueuedMail {
	id: number;
	kind: string;
	body: string;
	attempts: number;
	expiresAt: string;
}

/**
 * Queues a sealed message for a reader, or (keep false) runs the same statement and writes
 * nothing: a signup costs the same work whether or not its mail goes out. Nothing is queued
 * for a reader deleted meanwhile. Returns the row id.
 */
export async function insertQueuedMail(
	db: Db,
	m: { kind: string; body: string; messageId: string; now: string; expiresAt: string; readerId: number },
	keep: boolean,
): Promise<number | undefined> {
	const result = await sql<{ id: number }>`
		insert into mail_outbox (kind, body, message_id, next_attempt_at, created_at, expires_at, subscriber_id)
		select ${m.kind}, ${m.body}, ${m.messageId}, ${m.now}, ${m.now}, ${m.expiresAt}, ${m.readerId}
		where ${keep ? 1 : 0} = 1 and exists (select 1 from subscribers where id = ${m.readerId})
		returning id`.execute(db);
	return result.rows[0]?.id;
}

/**
 * Claims due mail in one UPDATE … RETURNING (two senders never claim the same row): due
 * pending rows and rows whose sender stopped before recording (a crash), `ids` only when given.
 */
export async function claimQueuedMail(
	db: Db,
	c: { now: string; staleBefore: string; limit: number; ids?: readonly number[] },
): Promise<QueuedMail[]> {
	if (c.ids && !c.ids.length) return [];
	const claimable = db
		.selectFrom("mail_outbox")
		.select("id")
		.where((eb) =>
			eb.or([
				eb.and([eb("status", "=", "pending"), eb("next_attempt_at", "<=", c.now)]),
				eb.and([eb("status", "=", "sending"), eb("claimed_at", "<", c.staleBefore)]),
			]),
		)
		.$if(c.ids !== undefined, (q) => q.where("id", "in", c.ids ?? []))
		.orderBy("id")
		.limit(c.limit);
	const rows = await db
		.updateTable("mail_outbox")
		.set((eb) => ({ status: "sending", claimed_at: c.now, attempts: eb("attempts", "+", 1) }))
		.where("id", "in", claimable)
		.returning(["id", "kind", "body", "attempts", "expires_at"])
		.execute();
	return rows.map((r) => ({ id: r.id, kind: r.kind, body: r.body, attempts: r.attempts, expiresAt: r.expires_at }));
}

/**
 * Whether a claimed message is still ours to send: its reader may have been deleted (and
 * the message with them) since the claim.
 */
export async function isQueuedMailClaimed(db: Db, id: number): Promise<boolean> {
	const row = await db
		.selectFrom("mail_outbox")
		.select("id")
		.where("id", "=", id)
		.where("status", "=", "sending")
		.executeTakeFirst();
	return row !== undefined;
}

/** Deletes queued mail whose link expired before `before`: sent, given up or never sendable. */
export async function pruneQueuedMail(db: Db, before: string): Promise<number> {
	const result = await db.deleteFrom("mail_outbox").where("expires_at", "<", before).executeTakeFirst();
	return Number(result.numDeletedRows);
}

/** Records how a claimed message ended; a finished one keeps no body (its link). */
export async function finishQueuedMail(
	db: Db,
	id: number,
	outcome:
		| { status: "sent"; at: string }
		| { status: "failed"; error: string }
		| { status: "retry"; nextAttemptAt: string; error: string },
): Promise<void> {
	const base = db.updateTable("mail_outbox").where("id", "=", id).where("status", "=", "sending");
	if (outcome.status === "sent") {
		await base.set({ status: "sent", sent_at: outcome.at, body: "", last_error: null }).execute();
	} else if (outcome.status === "failed") {
		await base.set({ status: "failed", body: "", last_error: outcome.error }).execute();
	} else {
		await base.set({ status: "pending", next_attempt_at: outcome.nextAttemptAt, last_error: outcome.error }).execute();
	}
}
