/** The `reader_profiles` table: each reader's profile and the query the weekly run searches with. */
import { sql } from "kysely";
import { encodeProfile, type Profile } from "../recommend/profile.ts";
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

/** A reader's stored query with the papers they voted on, as the weekly run reads them. */
export interface RunProfile {
	query: TermVector;
	/** Liked and added papers by number, newest vote first (reasons prefer the newest on ties). */
	liked: number[];
	disliked: number[];
}

/**
 * The stored queries worth searching with of these readers, each with their votes, in one
 * statement: the votes travel as one JSON array per reader (a paper's number, negative
 * for 👎), newest first, so a batch of readers costs one read however many votes they hold.
 */
export async function listRunProfiles(db: Db, readerIds: readonly number[]): Promise<Map<number, RunProfile>> {
	const profiles = new Map<number, RunProfile>();
	if (!readerIds.length) return profiles;
	const { rows } = await sql<{ subscriber_id: number; query: string; votes: string }>`
		select r.subscriber_id, r.query, (
			select json_group_array(case v.vote when 'like' then v.paper_num else -v.paper_num end)
			from (select paper_num, vote from paper_votes where subscriber_id = r.subscriber_id
				order by updated_at desc, paper_num desc) v
		) as votes
		from reader_profiles r
		where r.subscriber_id in (select value from json_each(${JSON.stringify(readerIds)})) and r.query != '{"t":[],"w":[]}'`.execute(
		db,
	);
	for (const row of rows) {
		const liked: number[] = [];
		const disliked: number[] = [];
		const votes = parseStored(row.votes, "votes");
		if (!Array.isArray(votes)) throw malformed("votes", "not an array");
		for (const num of votes) {
			if (!Number.isSafeInteger(num) || num === 0) throw malformed("votes", "entries must be paper numbers");
			if (num > 0) liked.push(num);
			else disliked.push(-num);
		}
		profiles.set(row.subscriber_id, { query: decodeTermVector(row.query), liked, disliked });
	}
	return profiles;
}
