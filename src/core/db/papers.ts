import { sql } from "kysely";
import { chunksFor } from "./limits.ts";
import type { Db, NewPaper, PaperRow } from "./schema.ts";

const paperColumns = 20;

// Counts that only grow: snapshots of the same day arrive in any order, the highest wins.
const growing = ["comments", "code_stars"] as const;
// Metadata a later payload may fill in; a known value is never erased by a missing one.
const refreshable = [
	"published_at",
	"abs_url",
	"pdf_url",
	"hf_url",
	"code_url",
	"project_url",
	"thumbnail_url",
	"ai_summary",
	"ai_keywords",
] as const;

/**
 * Inserts new papers and refreshes known ones in one statement per chunk: on SQLite up
 * to 1,000 papers (a payload is then applied whole or not at all); on D1, whose
 * statements bind at most 100 values, 5 papers (a rerun completes a broken one). A paper
 * seen again keeps its first-seen `added_at` and source; upvotes only grow (snapshots of
 * the same day arrive in any order); other metadata is refreshed when the new value is
 * known. A row is only written when something changed. Returns how many rows were
 * inserted or changed, counted from RETURNING: D1's change count also counts the rows
 * the full-text triggers write.
 */
export async function upsertPapers(db: Db, papers: readonly NewPaper[]): Promise<number> {
	let written = 0;
	for (const chunk of chunksFor(db, papers, paperColumns)) {
		const rows = await db
			.insertInto("papers")
			.values(chunk)
			.onConflict((oc) =>
				oc
					.column("id")
					.doUpdateSet((eb) => ({
						title: eb.ref("excluded.title"),
						abstract: eb.ref("excluded.abstract"),
						authors: sql<string>`case when ${eb.ref("excluded.authors")} = '[]' then ${eb.ref("papers.authors")} else ${eb.ref("excluded.authors")} end`,
						updated_at: eb.ref("excluded.updated_at"),
						upvotes: sql<number>`max(${eb.ref("excluded.upvotes")}, ${eb.ref("papers.upvotes")})`,
						...Object.fromEntries(
							refreshable.map((column) => [
								column,
								sql`coalesce(${eb.ref(`excluded.${column}`)}, ${eb.ref(`papers.${column}`)})`,
							]),
						),
						...Object.fromEntries(
							growing.map((column) => {
								const [now, before] = [eb.ref(`excluded.${column}`), eb.ref(`papers.${column}`)];
								return [column, sql`max(coalesce(${now}, ${before}), coalesce(${before}, ${now}))`];
							}),
						),
					}))
					.where((eb) =>
						eb.or([
							eb("excluded.title", "is not", eb.ref("papers.title")),
							eb("excluded.abstract", "is not", eb.ref("papers.abstract")),
							eb.and([eb("excluded.authors", "!=", "[]"), eb("excluded.authors", "is not", eb.ref("papers.authors"))]),
							eb("excluded.upvotes", ">", eb.ref("papers.upvotes")),
							...refreshable.map((column) =>
								eb.and([
									eb(`excluded.${column}`, "is not", null),
									eb(`excluded.${column}`, "is not", eb.ref(`papers.${column}`)),
								]),
							),
							...growing.map((column) =>
								eb(`excluded.${column}`, ">", sql<number>`coalesce(${eb.ref(`papers.${column}`)}, -1)`),
							),
						]),
					),
			)
			.returning("id")
			.execute();
		written += rows.length;
	}
	return written;
}

/** Which of these ids are already stored. */
export async function findExistingPaperIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
	const found = new Set<string>();
	for (const chunk of chunksFor(db, ids, 1)) {
		const rows = await db.selectFrom("papers").select("id").where("id", "in", chunk).execute();
		for (const row of rows) found.add(row.id);
	}
	return found;
}

export async function countPapers(db: Db): Promise<number> {
	const row = await db
		.selectFrom("papers")
		.select((eb) => eb.fn.countAll<number>().as("n"))
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

/** Changes whenever any paper is added or changed (upsertPapers writes only then). */
export async function papersVersion(db: Db): Promise<string> {
	const row = await db
		.selectFrom("papers")
		.select((eb) => eb.fn.max("updated_at").as("at"))
		.executeTakeFirst();
	return row?.at ?? "";
}

/** The newest papers first, for the signup page's list. */
export function listRecentPapers(db: Db, limit: number): Promise<PaperRow[]> {
	return (
		db
			.selectFrom("papers")
			.selectAll()
			.orderBy("added_at", "desc")
			.orderBy("upvotes", "desc")
			// Within one batch, keep the source's own order (trending first).
			.orderBy("num", "asc")
			.limit(limit)
			.execute()
	);
}

export function getPapersByNums(db: Db, nums: readonly number[]): Promise<PaperRow[]> {
	if (!nums.length) return Promise.resolve([]);
	return db.selectFrom("papers").selectAll().where("num", "in", nums).execute();
}

export function getPapersByIds(db: Db, ids: readonly string[]): Promise<PaperRow[]> {
	if (!ids.length) return Promise.resolve([]);
	return db.selectFrom("papers").selectAll().where("id", "in", ids).execute();
}

/** Just what ranking needs, for every paper added in [from, to). */
export function listPaperStatsAddedBetween(db: Db, from: string, to: string) {
	return db
		.selectFrom("papers")
		.select(["num", "upvotes", "added_at", "published_at"])
		.where("added_at", ">=", from)
		.where("added_at", "<", to)
		.execute();
}

/**
 * Row numbers of papers added in [from, to) whose text matches an FTS5 expression.
 * The expression must come from topics/fts.ts, which quotes every user word.
 */
export async function matchPaperNums(db: Db, match: string, from: string, to: string): Promise<number[]> {
	const result = await sql<{ num: number }>`
		select p.num as num from papers_fts f join papers p on p.num = f.rowid
		where papers_fts match ${match} and p.added_at >= ${from} and p.added_at < ${to}`.execute(db);
	return result.rows.map((r) => r.num);
}
