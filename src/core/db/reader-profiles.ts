/** The `reader_profiles` table: the query each reader's votes make, with the votes, for the weekly run. */
import { CompiledQuery, sql } from "kysely";
import type { Vote } from "../recommend/profile.ts";
import { malformed, parseStored } from "../recommend/stored-json.ts";
import { decodeTermVector, encodeTermVector, type TermVector } from "../recommend/term-vector.ts";
import type { Db } from "./schema.ts";

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
 * Writes a reader's query and the votes it was made from (newest first) if the row is still
 * at `fromVersion` (one statement); false when another write came first, and the caller
 * starts over from the votes.
 */
export async function writeProfile(
	db: Db,
	p: {
		readerId: number;
		query: TermVector;
		voted: readonly { paperNum: number; vote: Vote }[];
		fromVersion: number;
		at: string;
	},
): Promise<boolean> {
	const voted = JSON.stringify(p.voted.map((v) => (v.vote === "like" ? v.paperNum : -v.paperNum)));
	const { rows } = await sql<{ version: number }>`
		insert into reader_profiles (subscriber_id, query, voted, version, updated_at)
		values (${p.readerId}, ${encodeTermVector(p.query)}, ${voted}, ${p.fromVersion + 1}, ${p.at})
		on conflict (subscriber_id) do update set
			query = excluded.query, voted = excluded.voted, version = excluded.version, updated_at = excluded.updated_at
		where reader_profiles.version = ${p.fromVersion}
		returning version`.execute(db);
	return rows.length === 1;
}

/** A reader's stored query with the papers they voted on, as the weekly run reads them. */
export interface RunProfile {
	query: TermVector;
	/** Liked and added papers by number, newest vote first (reasons prefer the newest on ties). */
	liked: number[];
	disliked: number[];
}

// Compiled once: the run asks it for every batch of readers, and it never changes.
const runProfilesQuery = (readerIds: readonly number[]) =>
	CompiledQuery.raw(
		`select subscriber_id, query, voted from reader_profiles
		where subscriber_id in (select value from json_each(?)) and query != '{"t":[],"w":[]}'`,
		[JSON.stringify(readerIds)],
	);

/**
 * The stored queries worth searching with of these readers, each with their votes, in one
 * statement: a batch of readers costs one read of their rows, however many votes they hold.
 */
export async function listRunProfiles(db: Db, readerIds: readonly number[]): Promise<Map<number, RunProfile>> {
	const profiles = new Map<number, RunProfile>();
	if (!readerIds.length) return profiles;
	const { rows } = await db.executeQuery<{ subscriber_id: number; query: string; voted: string }>(
		runProfilesQuery(readerIds),
	);
	for (const row of rows) {
		const liked: number[] = [];
		const disliked: number[] = [];
		const voted = parseStored(row.voted, "votes");
		if (!Array.isArray(voted)) throw malformed("votes", "not an array");
		for (const num of voted) {
			if (!Number.isSafeInteger(num) || num === 0) throw malformed("votes", "entries must be paper numbers");
			if (num > 0) liked.push(num);
			else disliked.push(-num);
		}
		profiles.set(row.subscriber_id, { query: decodeTermVector(row.query), liked, disliked });
	}
	return profiles;
}
