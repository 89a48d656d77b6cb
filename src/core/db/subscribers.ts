/** The `subscribers` table: one row per reader, mapped to `Reader` here and nowhere else. */
import { sql } from "kysely";
import type { DigestReader, Frequency, Reader, ReaderStatus, Signup, SignupEvidence } from "../subscriptions/reader.ts";
import { chunksFor } from "./limits.ts";
import type { Db, SubscriberRow } from "./schema.ts";

export const toReader = (row: SubscriberRow): Reader => ({
	id: row.id,
	email: row.email,
	status: row.status,
	keywords: JSON.parse(row.keywords) as string[],
	frequency: row.frequency,
	timezone: row.timezone,
	manageSalt: row.manage_salt,
	consent: {
		at: row.consent_at,
		ip: row.consent_ip,
		userAgent: row.consent_user_agent,
		formVersion: row.consent_form_version,
		source: row.consent_source,
	},
	confirmedAt: row.confirmed_at,
	confirmedIp: row.confirm_ip,
	confirmedUserAgent: row.confirm_user_agent,
	unsubscribedAt: row.unsubscribed_at,
	createdAt: row.created_at,
	updatedAt: row.updated_at,
});

/** The one place a digest's reader is built, from any query that selects these columns. */
export const toDigestReader = (
	row: Pick<SubscriberRow, "id" | "email" | "keywords" | "frequency" | "manage_salt">,
): DigestReader => ({
	id: row.id,
	email: row.email,
	keywords: JSON.parse(row.keywords) as string[],
	frequency: row.frequency,
	manageSalt: row.manage_salt,
});

/** A new row from a signup: pending from the form, active when imported. */
const newRow = (s: Signup, status: "pending" | "active") => ({
	email: s.email,
	status,
	keywords: JSON.stringify(s.keywords),
	timezone: s.timezone,
	manage_salt: s.manageSalt,
	consent_at: s.consent.at,
	consent_ip: s.consent.ip,
	consent_user_agent: s.consent.userAgent,
	consent_form_version: s.consent.formVersion,
	consent_source: s.consent.source,
	confirmed_at: status === "active" ? s.consent.at : null,
	created_at: s.consent.at,
	updated_at: s.consent.at,
});

/**
 * Records a signup in one statement: a new address becomes pending, an unsubscribed one
 * pending again; a pending, active or paused reader is left as they are (what a pending
 * reader confirms travels with each confirmation link). With `write` false the same
 * statement runs and writes nothing, so a signup costs the same whatever the address.
 */
export async function recordSignupRow(db: Db, s: Signup, write: boolean): Promise<void> {
	const row = newRow(s, "pending");
	const columns = Object.keys(row) as (keyof typeof row)[];
	await db
		.insertInto("subscribers")
		.columns(columns)
		.expression(
			db.selectNoFrom(columns.map((column) => sql`${row[column]}`.as(column))).where(sql<boolean>`${write ? 1 : 0}`),
		)
		.onConflict((oc) =>
			oc
				.column("email")
				.doUpdateSet((eb) => ({ status: "pending", unsubscribed_at: null, updated_at: eb.ref("excluded.updated_at") }))
				.where("subscribers.status", "=", "unsubscribed"),
		)
		.execute();
}

/**
 * Adds already-consented readers (CSV import) as active, up to 500 per statement; addresses
 * already on file are left as they are. Returns how many were added.
 */
export async function insertImportedReaders(db: Db, signups: readonly Signup[]): Promise<number> {
	let added = 0;
	for (const chunk of chunksFor(db, signups, 13, 500)) {
		const result = await db
			.insertInto("subscribers")
			.values(chunk.map((s) => newRow(s, "active")))
			.onConflict((oc) => oc.column("email").doNothing())
			.executeTakeFirst();
		added += Number(result.numInsertedOrUpdatedRows ?? 0);
	}
	return added;
}

/** Readers with these addresses (compared case-insensitively, as stored). */
export async function findReadersByEmails(db: Db, emails: readonly string[]): Promise<Reader[]> {
	const readers: Reader[] = [];
	for (const chunk of chunksFor(db, emails, 1, 500)) {
		const rows = await db.selectFrom("subscribers").selectAll().where("email", "in", chunk).execute();
		readers.push(...rows.map(toReader));
	}
	return readers;
}

export async function findReaderByEmail(db: Db, email: string): Promise<Reader | undefined> {
	const row = await db.selectFrom("subscribers").selectAll().where("email", "=", email).executeTakeFirst();
	return row && toReader(row);
}

/**
 * pending -> active with the topics and consent the confirmation link carried, and where
 * it was clicked from; does nothing for any other status.
 */
export async function confirmReader(
	db: Db,
	id: number,
	c: { signup: SignupEvidence; at: string; ip: string | null; userAgent: string | null },
): Promise<void> {
	const { consent } = c.signup;
	await db
		.updateTable("subscribers")
		.set({
			status: "active",
			keywords: JSON.stringify(c.signup.keywords),
			consent_at: consent.at,
			consent_ip: consent.ip,
			consent_user_agent: consent.userAgent,
			consent_form_version: consent.formVersion,
			consent_source: consent.source,
			confirmed_at: c.at,
			confirm_ip: c.ip,
			confirm_user_agent: c.userAgent,
			updated_at: c.at,
		})
		.where("id", "=", id)
		.where("status", "=", "pending")
		.execute();
}

/** Gives the reader a new salt if theirs is still `from` (two rotations at once: one wins). */
export async function replaceReaderSalt(db: Db, id: number, from: string, to: string, at: string): Promise<boolean> {
	const result = await db
		.updateTable("subscribers")
		.set({ manage_salt: to, updated_at: at })
		.where("id", "=", id)
		.where("manage_salt", "=", from)
		.executeTakeFirst();
	return Number(result.numUpdatedRows) > 0;
}

export async function updateReaderPreferences(
	db: Db,
	id: number,
	changes: { keywords: readonly string[]; frequency: Frequency; paused: boolean },
	at: string,
): Promise<void> {
	await db
		.updateTable("subscribers")
		.set({
			keywords: JSON.stringify(changes.keywords),
			frequency: changes.frequency,
			// Only a confirmed reader can pause or resume; pending and unsubscribed stay put.
			status: sql<ReaderStatus>`case when status in ('active', 'paused') then ${changes.paused ? "paused" : "active"} else status end`,
			updated_at: at,
		})
		.where("id", "=", id)
		.execute();
}

/** Idempotent: unsubscribing twice keeps the first time. */
export async function unsubscribeReader(db: Db, id: number, at: string): Promise<void> {
	await db
		.updateTable("subscribers")
		.set({ status: "unsubscribed", unsubscribed_at: at, updated_at: at })
		.where("id", "=", id)
		.where("status", "!=", "unsubscribed")
		.execute();
}

/** A reader who unsubscribed by mistake comes back from their own manage link. */
export async function resubscribeReader(db: Db, id: number, at: string): Promise<void> {
	await db
		.updateTable("subscribers")
		.set({ status: "active", unsubscribed_at: null, updated_at: at })
		.where("id", "=", id)
		.where("status", "=", "unsubscribed")
		.where("confirmed_at", "is not", null)
		.execute();
}

/** Deletes the reader and, by cascade, their tokens and deliveries. */
export async function deleteReader(db: Db, id: number): Promise<void> {
	await db.deleteFrom("subscribers").where("id", "=", id).execute();
}

export async function countReadersByStatus(db: Db): Promise<Record<ReaderStatus, number>> {
	const rows = await db
		.selectFrom("subscribers")
		.select(["status", (eb) => eb.fn.countAll<number>().as("n")])
		.groupBy("status")
		.execute();
	const counts = { pending: 0, active: 0, paused: 0, unsubscribed: 0 };
	for (const row of rows) counts[row.status] = Number(row.n);
	return counts;
}

export async function listReaders(
	db: Db,
	options: { email?: string; statuses?: readonly ReaderStatus[] } = {},
): Promise<Reader[]> {
	let query = db.selectFrom("subscribers").selectAll().orderBy("id");
	if (options.email) query = query.where("email", "=", options.email);
	if (options.statuses?.length) query = query.where("status", "in", options.statuses);
	return (await query.execute()).map(toReader);
}

/**
 * Readers per week (weeks start on Monday, UTC) by when something happened to them:
 * `created_at` (signed up), `confirmed_at`, `unsubscribed_at`. Counts today's rows: a
 * forgotten reader is gone from every week.
 */
export async function countReadersPerWeek(
	db: Db,
	column: "created_at" | "confirmed_at" | "unsubscribed_at",
	since: string,
): Promise<{ week: string; readers: number }[]> {
	const { rows } = await sql<{ week: string; n: number }>`
		select date(${sql.ref(column)}, 'weekday 0', '-6 days') as week, count(*) as n
		from subscribers where ${sql.ref(column)} >= ${since} group by week`.execute(db);
	return rows.map((r) => ({ week: r.week, readers: Number(r.n) }));
}

/** Readers whose address starts with `prefix` (case-insensitively), by address. */
export async function findReadersByEmailPrefix(db: Db, prefix: string, limit: number): Promise<Reader[]> {
	const escaped = prefix.replace(/[\\%_]/g, (c) => `\\${c}`);
	const rows = await db
		.selectFrom("subscribers")
		.selectAll()
		.where(sql<boolean>`email like ${`${escaped}%`} escape '\\'`)
		.orderBy("email")
		.limit(limit)
		.execute();
	return rows.map(toReader);
}

/** Each keyword active readers chose, with how many chose it, most chosen first. */
export async function countActiveReadersPerKeyword(db: Db): Promise<{ keyword: string; readers: number }[]> {
	const { rows } = await sql<{ keyword: string; n: number }>`
		select k.value as keyword, count(*) as n
		from subscribers s, json_each(s.keywords) k
		where s.status = 'active'
		group by k.value order by n desc, keyword`.execute(db);
	return rows.map((r) => ({ keyword: r.keyword, readers: Number(r.n) }));
}

/** Active readers none of whose keywords is in `keywords`. */
export async function countActiveReadersWithNoneOf(db: Db, keywords: readonly string[]): Promise<number> {
	const { rows } = await sql<{ n: number }>`
		select count(*) as n from subscribers s
		where s.status = 'active' and not exists (
			select 1 from json_each(s.keywords) k where k.value in (select value from json_each(${JSON.stringify(keywords)})))`.execute(
		db,
	);
	return Number(rows[0]?.n ?? 0);
}
