import { sql } from "kysely";
import { chunksFor } from "./limits.ts";
import type { Db, Frequency, SubscriberRow, SubscriberStatus } from "./schema.ts";

export interface SignupRecord {
	email: string;
	keywords: string;
	manageSalt: string;
	consentAt: string;
	consentIp: string | null;
	consentUserAgent: string | null;
	consentFormVersion: string;
	consentSource: string;
	timezone: string;
}

/** A new subscribers row from a signup record: pending from the form, active when imported. */
const newSubscriber = (s: SignupRecord, status: "pending" | "active") => ({
	email: s.email,
	status,
	keywords: s.keywords,
	timezone: s.timezone,
	manage_salt: s.manageSalt,
	consent_at: s.consentAt,
	consent_ip: s.consentIp,
	consent_user_agent: s.consentUserAgent,
	consent_form_version: s.consentFormVersion,
	consent_source: s.consentSource,
	confirmed_at: status === "active" ? s.consentAt : null,
	created_at: s.consentAt,
	updated_at: s.consentAt,
});

/**
 * Records a signup in one statement: a new address becomes pending; a pending or
 * unsubscribed one becomes pending again with the newest keywords and consent; an
 * active or paused reader is left exactly as they are. Returns the row as it now is.
 */
export async function upsertSignup(db: Db, s: SignupRecord): Promise<SubscriberRow> {
	const written = await db
		.insertInto("subscribers")
		.values(newSubscriber(s, "pending"))
		.onConflict((oc) =>
			oc
				.column("email")
				.doUpdateSet((eb) => ({
					status: "pending",
					keywords: eb.ref("excluded.keywords"),
					consent_at: eb.ref("excluded.consent_at"),
					consent_ip: eb.ref("excluded.consent_ip"),
					consent_user_agent: eb.ref("excluded.consent_user_agent"),
					consent_form_version: eb.ref("excluded.consent_form_version"),
					consent_source: eb.ref("excluded.consent_source"),
					unsubscribed_at: null,
					updated_at: eb.ref("excluded.updated_at"),
				}))
				.where("subscribers.status", "in", ["pending", "unsubscribed"]),
		)
		.returningAll()
		.executeTakeFirst();
	// Nothing returned: a confirmed reader, left as they are.
	return written ?? db.selectFrom("subscribers").selectAll().where("email", "=", s.email).executeTakeFirstOrThrow();
}

/**
 * Adds already-consented readers (CSV import) as active, up to 500 per statement; addresses
 * already on file are left as they are. Returns how many were added.
 */
export async function insertImportedSubscribers(db: Db, records: readonly SignupRecord[]): Promise<number> {
	let added = 0;
	for (const chunk of chunksFor(db, records, 13, 500)) {
		const result = await db
			.insertInto("subscribers")
			.values(chunk.map((s) => newSubscriber(s, "active")))
			.onConflict((oc) => oc.column("email").doNothing())
			.executeTakeFirst();
		added += Number(result.numInsertedOrUpdatedRows ?? 0);
	}
	return added;
}

/** Rows for these addresses (compared case-insensitively, as stored). */
export async function findSubscribersByEmails(db: Db, emails: readonly string[]): Promise<SubscriberRow[]> {
	const rows: SubscriberRow[] = [];
	for (const chunk of chunksFor(db, emails, 1, 500)) {
		rows.push(...(await db.selectFrom("subscribers").selectAll().where("email", "in", chunk).execute()));
	}
	return rows;
}

export function findSubscriberByEmail(db: Db, email: string): Promise<SubscriberRow | undefined> {
	return db.selectFrom("subscribers").selectAll().where("email", "=", email).executeTakeFirst();
}

/** pending -> active; does nothing for any other status. */
export async function activateSubscriber(db: Db, id: number, at: string): Promise<void> {
	await db
		.updateTable("subscribers")
		.set({ status: "active", confirmed_at: at, updated_at: at })
		.where("id", "=", id)
		.where("status", "=", "pending")
		.execute();
}

export async function updateSubscriberPreferences(
	db: Db,
	id: number,
	changes: { keywords: string; frequency: Frequency; paused: boolean },
	at: string,
): Promise<void> {
	await db
		.updateTable("subscribers")
		.set({
			keywords: changes.keywords,
			frequency: changes.frequency,
			// Only a confirmed reader can pause or resume; pending and unsubscribed stay put.
			status: sql<SubscriberStatus>`case when status in ('active', 'paused') then ${changes.paused ? "paused" : "active"} else status end`,
			updated_at: at,
		})
		.where("id", "=", id)
		.execute();
}

/** Idempotent: unsubscribing twice keeps the first time. */
export async function unsubscribeSubscriber(db: Db, id: number, at: string): Promise<void> {
	await db
		.updateTable("subscribers")
		.set({ status: "unsubscribed", unsubscribed_at: at, updated_at: at })
		.where("id", "=", id)
		.where("status", "!=", "unsubscribed")
		.execute();
}

/** A reader who unsubscribed by mistake comes back from their own manage link. */
export async function resubscribeSubscriber(db: Db, id: number, at: string): Promise<void> {
	await db
		.updateTable("subscribers")
		.set({ status: "active", unsubscribed_at: null, updated_at: at })
		.where("id", "=", id)
		.where("status", "=", "unsubscribed")
		.where("confirmed_at", "is not", null)
		.execute();
}

export async function deleteSubscriber(db: Db, id: number): Promise<void> {
	await db.deleteFrom("subscribers").where("id", "=", id).execute();
}

export async function deleteSubscriberByEmail(db: Db, email: string): Promise<boolean> {
	const result = await db.deleteFrom("subscribers").where("email", "=", email).executeTakeFirst();
	return Number(result.numDeletedRows) > 0;
}

export async function countSubscribersByStatus(db: Db): Promise<Record<SubscriberStatus, number>> {
	const rows = await db
		.selectFrom("subscribers")
		.select(["status", (eb) => eb.fn.countAll<number>().as("n")])
		.groupBy("status")
		.execute();
	const counts = { pending: 0, active: 0, paused: 0, unsubscribed: 0 };
	for (const row of rows) counts[row.status] = Number(row.n);
	return counts;
}

export function listSubscribers(db: Db, options: { email?: string } = {}): Promise<SubscriberRow[]> {
	let query = db.selectFrom("subscribers").selectAll().orderBy("id");
	if (options.email) query = query.where("email", "=", options.email);
	return query.execute();
}
