/** The `paper_votes` table: a reader's 👍 / 👎 on papers, and the papers they added. */
import { sql } from "kysely";
import { decodePaperTerms } from "../recommend/paper-terms.ts";
import type { Vote } from "../recommend/profile.ts";
import type { VotedPaper, VoteSource } from "../recommend/votes.ts";
import type { Db } from "./schema.ts";

export interface VoteRow {
	readerId: number;
	paperNum: number;
	vote: Vote;
	source: VoteSource;
	at: string;
}

/** Records a vote; a second vote on the same paper replaces the first. */
export async function upsertVote(db: Db, v: VoteRow): Promise<void> {
	await db
		.insertInto("paper_votes")
		.values({
			subscriber_id: v.readerId,
			paper_num: v.paperNum,
			vote: v.vote,
			source: v.source,
			created_at: v.at,
			updated_at: v.at,
		})
		.onConflict((oc) =>
			oc.columns(["subscriber_id", "paper_num"]).doUpdateSet((eb) => ({
				vote: eb.ref("excluded.vote"),
				source: eb.ref("excluded.source"),
				updated_at: eb.ref("excluded.updated_at"),
			})),
		)
		.execute();
}

/** Rows per statement: they travel as one bound JSON value (D1's 100-value limit does not apply). */
const rowsPerInsert = 2000;

/** Records many votes at once (replacing earlier ones on the same papers), one statement per 2,000. */
export async function insertVotes(db: Db, votes: readonly VoteRow[]): Promise<void> {
	for (let i = 0; i < votes.length; i += rowsPerInsert) {
		const rows = votes.slice(i, i + rowsPerInsert).map((v) => [v.readerId, v.paperNum, v.vote, v.source, v.at]);
		await sql`
			insert into paper_votes (subscriber_id, paper_num, vote, source, created_at, updated_at)
			select value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 4
			from json_each(${JSON.stringify(rows)}) where true
			on conflict (subscriber_id, paper_num) do update set
				vote = excluded.vote, source = excluded.source, updated_at = excluded.updated_at`.execute(db);
	}
}

/** Undoes a reader's vote on one paper, or (no paper) every vote: "clear all". */
export async function deleteVotes(db: Db, readerId: number, paperNum?: number): Promise<void> {
	let query = db.deleteFrom("paper_votes").where("subscriber_id", "=", readerId);
	if (paperNum !== undefined) query = query.where("paper_num", "=", paperNum);
	await query.execute();
}

/** The papers a reader voted on or added, with their stored terms; newest first. */
export async function listVotedPapers(db: Db, readerIds: readonly number[]): Promise<VotedPaper[]> {
	if (!readerIds.length) return [];
	const { rows } = await sql<{
		subscriber_id: number;
		vote: Vote;
		source: VoteSource;
		updated_at: string;
		num: number;
		id: string;
		title: string;
		top_terms: string | null;
	}>`
		select v.subscriber_id, v.vote, v.source, v.updated_at, p.num, p.id, p.title, p.top_terms
		from paper_votes v join papers p on p.num = v.paper_num
		where v.subscriber_id in (select value from json_each(${JSON.stringify(readerIds)}))
		order by v.updated_at desc, p.num desc`.execute(db);
	return rows.map((r) => ({
		readerId: r.subscriber_id,
		vote: r.vote,
		source: r.source,
		at: r.updated_at,
		paperNum: r.num,
		paperId: r.id,
		title: r.title,
		terms: r.top_terms === null ? null : decodePaperTerms(r.top_terms).terms,
	}));
}
