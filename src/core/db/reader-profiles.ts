/** The `reader_profiles` table: each reader's profile and the query the weekly run searches with. */
import { sql } from "kysely";
import { decodeProfile, encodeProfile, type Profile } from "../recommend/profile.ts";
import { decodeTermVector, encodeTermVector, type TermVector } from "../recommend/term-vector.ts";
import type { Db } from "./schema.ts";

export interface StoredProfile {
	profile: Profile;
	version: number;
}

/** A reader's profile and its version; version 0 and no profile when there is none yet. */
export async function getProfile(db: Db, readerId: number): Promise<StoredProfile | undefined> {
	const row = await db
		.selectFrom("reader_profiles")
		.select(["profile", "version"])
		.where("subscriber_id", "=", readerId)
		.executeTakeFirst();
	return row && { profile: decodeProfile(row.profile), version: row.version };
}

/** The version a profile has now: 0 when the reader has none. */
export async function getProfileVersion(db: Db, readerId: number): Promise<number> {
	const row = await db
		.selectFrom("reader_profiles")
		.select("version")
		.where("subscriber_id", "=", readerId)
		.executeTakeFirst();
	return row?.version ?? 0;
}

/**
 * Writes a reader's profile if it is still at `fromVersion` (one statement); false when
 * another write came first, and the caller starts over from the votes.
 */
export async function writeProfile(
	db: Db,
	p: { readerId: number; profile: Profile; query: TermVector; fromVersion: number; at: string },
): Promise<boolean> {
	const { rows } = await sql<{ version: number }>`
		insert into reader_profiles (subscriber_id, profile, query, version, updated_at)
		values (${p.readerId}, ${encodeProfile(p.profile)}, ${encodeTermVector(p.query)}, ${p.fromVersion + 1}, ${p.at})
		on conflict (subscriber_id) do update set
			profile = excluded.profile, query = excluded.query, version = excluded.version, updated_at = excluded.updated_at
		where reader_profiles.version = ${p.fromVersion}
		returning version`.execute(db);
	return rows.length === 1;
}

/** The stored queries of these readers that have one worth searching with, in one statement. */
export async function listProfileQueries(db: Db, readerIds: readonly number[]): Promise<Map<number, TermVector>> {
	const queries = new Map<number, TermVector>();
	if (!readerIds.length) return queries;
	const { rows } = await sql<{ subscriber_id: number; query: string }>`
		select subscriber_id, query from reader_profiles
		where subscriber_id in (select value from json_each(${JSON.stringify(readerIds)})) and query != '{"t":[],"w":[]}'`.execute(
		db,
	);
	for (const row of rows) queries.set(row.subscriber_id, decodeTermVector(row.query));
	return queries;
}
