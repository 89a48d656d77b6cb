/** The `papers` table and its full-text index `papers_fts`. */
import { sql } from "kysely";
import type { DerivedData } from "../papers/derived-data.ts";
import { type Paper, type PaperToStore, seedSource } from "../papers/paper.ts";
import { decodePaperTerms, encodePaperTerms, type PaperTerms } from "../recommend/paper-terms.ts";
import type { TermVector } from "../recommend/term-vector.ts";
import { chunksFor } from "./limits.ts";
import type { Db, PaperRow } from "./schema.ts";

const paperColumns = 25;

const toPaper = (row: PaperRow): Paper => ({
	num: row.num,
	id: row.id,
	title: row.title,
	abstract: row.abstract,
	authors: JSON.parse(row.authors) as string[],
	categories: JSON.parse(row.categories) as string[],
	publishedAt: row.published_at,
	addedAt: row.added_at,
	updatedAt: row.updated_at,
	upvotes: row.upvotes,
	comments: row.comments,
	source: row.source,
	absUrl: row.abs_url,
	pdfUrl: row.pdf_url,
	hfUrl: row.hf_url,
	codeUrl: row.code_url,
	codeStars: row.code_stars,
	projectUrl: row.project_url,
	thumbnailUrl: row.thumbnail_url,
	aiSummary: row.ai_summary,
	aiKeywords: row.ai_keywords === null ? null : (JSON.parse(row.ai_keywords) as string[]),
});

/** A paper to store, with its top terms when it is new (weighed once, never again). */
export type PaperWithTerms = PaperToStore & { topTerms?: PaperTerms | null };

const toRow = (p: PaperWithTerms): Omit<PaperRow, "num"> => ({
	id: p.id,
	title: p.title,
	abstract: p.abstract,
	authors: JSON.stringify(p.authors),
	published_at: p.publishedAt,
	added_at: p.addedAt,
	updated_at: p.updatedAt,
	upvotes: p.upvotes,
	comments: p.comments,
	source: p.source,
	abs_url: p.absUrl,
	pdf_url: p.pdfUrl,
	hf_url: p.hfUrl,
	code_url: p.codeUrl,
	code_stars: p.codeStars,
	project_url: p.projectUrl,
	thumbnail_url: p.thumbnailUrl,
	ai_summary: p.aiSummary,
	ai_keywords: p.aiKeywords ? JSON.stringify(p.aiKeywords) : null,
	categories: JSON.stringify(p.categories),
	...derivedColumns(p),
	top_terms: p.topTerms ? encodePaperTerms(p.topTerms) : null,
});

/** The columns the triggers of migrations/0020 fan out into paper_authors and acronyms. */
const derivedColumns = (d: DerivedData) => ({
	author_keys: JSON.stringify(d.authorKeys.map((k) => [k.last, k.given.join(" ")])),
	acronyms: JSON.stringify(d.acronyms.map((a) => [a.shortKey, a.short, a.longKey, a.long])),
	derived_version: d.derivedVersion,
});

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
export async function upsertPapers(db: Db, papers: readonly PaperWithTerms[]): Promise<number> {
	let written = 0;
	for (const chunk of chunksFor(db, papers, paperColumns)) {
		const rows = await db
			.insertInto("papers")
			.values(chunk.map(toRow))
			.onConflict((oc) =>
				oc
					.column("id")
					.doUpdateSet((eb) => ({
						title: eb.ref("excluded.title"),
						abstract: eb.ref("excluded.abstract"),
						authors: sql<string>`case when ${eb.ref("excluded.authors")} = '[]' then ${eb.ref("papers.authors")} else ${eb.ref("excluded.authors")} end`,
						author_keys: sql<string>`case when ${eb.ref("excluded.authors")} = '[]' then ${eb.ref("papers.author_keys")} else ${eb.ref("excluded.author_keys")} end`,
						// Hugging Face gives no categories: a paper keeps those an arXiv feed gave it.
						categories: sql<string>`case when ${eb.ref("excluded.categories")} = '[]' then ${eb.ref("papers.categories")} else ${eb.ref("excluded.categories")} end`,
						acronyms: eb.ref("excluded.acronyms"),
						derived_version: eb.ref("excluded.derived_version"),
						// Weighed once: a profile's sums are made of exactly the stored weights.
						top_terms: sql<string | null>`coalesce(${eb.ref("papers.top_terms")}, ${eb.ref("excluded.top_terms")})`,
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
							eb.and([
								eb("excluded.categories", "!=", "[]"),
								eb("excluded.categories", "is not", eb.ref("papers.categories")),
							]),
							eb("excluded.derived_version", "!=", eb.ref("papers.derived_version")),
							eb.and([eb("papers.top_terms", "is", null), eb("excluded.top_terms", "is not", null)]),
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

/**
 * Changes whenever any paper is added or changed (upsertPapers writes only then): a new
 * paper raises the highest row number, a change the latest update time. Both are index
 * lookups.
 */
export async function papersVersion(db: Db): Promise<string> {
	// Two subqueries: one max() per statement is what SQLite answers from an index.
	const { rows } = await sql<{ at: string | null; num: number | null }>`
		select (select max(updated_at) from papers) as at, (select max(num) from papers) as num`.execute(db);
	return `${rows[0]?.at ?? ""}#${rows[0]?.num ?? 0}`;
}

/** The newest papers first, for the signup page's list. */
export async function listRecentPapers(db: Db, limit: number): Promise<Paper[]> {
	const rows = await db
		.selectFrom("papers")
		.selectAll()
		.orderBy("added_at", "desc")
		.orderBy("upvotes", "desc")
		// Within one batch, keep the source's own order (trending first).
		.orderBy("num", "asc")
		.limit(limit)
		.execute();
	return rows.map(toPaper);
}

export async function getPapersByNums(db: Db, nums: readonly number[]): Promise<Paper[]> {
	const papers: Paper[] = [];
	for (const chunk of chunksFor(db, nums, 1)) {
		for (const row of await db.selectFrom("papers").selectAll().where("num", "in", chunk).execute()) {
			papers.push(toPaper(row));
		}
	}
	return papers;
}

/** Papers by arXiv id, in one statement whatever the count (the ids travel as one JSON value). */
export async function getPapersByIds(db: Db, ids: readonly string[]): Promise<Paper[]> {
	if (!ids.length) return [];
	const rows = await db
		.selectFrom("papers")
		.selectAll()
		.where("id", "in", sql<string>`(select value from json_each(${JSON.stringify(ids)}))`)
		.execute();
	return rows.map(toPaper);
}

/** Just what ranking needs, for every paper added in [from, to); seed papers only when asked. */
export async function listPaperStatsAddedBetween(db: Db, from: string, to: string, includeSeeds = false) {
	let query = db
		.selectFrom("papers")
		.select(["num", "upvotes", "added_at", "published_at"])
		.where("added_at", ">=", from)
		.where("added_at", "<", to);
	if (!includeSeeds) query = query.where("source", "!=", seedSource);
	const rows = await query.execute();
	return rows.map((r) => ({ num: r.num, upvotes: r.upvotes, addedAt: r.added_at, publishedAt: r.published_at }));
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

/** A range of row numbers, both ends included: the papers of a window lie within one. */
export interface NumRange {
	lo: number;
	hi: number;
}

/**
 * Row numbers in [lo, hi] whose text matches an FTS5 expression from topics/fts.ts. The
 * range keeps FTS5 to the window's part of each term's list (rows are numbered as they
 * are added); callers drop rows of the range that are not in their window.
 */
export async function matchPaperNumsInRange(db: Db, match: string, range: NumRange): Promise<number[]> {
	const result = await sql<{ num: number }>`
		select rowid as num from papers_fts where papers_fts match ${match} and rowid between ${range.lo} and ${range.hi}`.execute(
		db,
	);
	return result.rows.map((r) => r.num);
}

/**
 * matchPaperNumsInRange for many expressions in one statement (a list bound as one JSON
 * value): a matcher compiling hundreds of topics at once asks D1 once, not hundreds of
 * times. Returns the hits of each expression, in the order given.
 */
export async function matchPaperNumsInRangeMany(
	db: Db,
	matches: readonly string[],
	range: NumRange,
): Promise<number[][]> {
	const result = await sql<{ k: number; num: number }>`
		select j.key as k, papers_fts.rowid as num from json_each(${JSON.stringify(matches)}) as j
		join papers_fts on papers_fts match j.value
		where papers_fts.rowid between ${range.lo} and ${range.hi}`.execute(db);
	const hits: number[][] = matches.map(() => []);
	for (const r of result.rows) hits[r.k]?.push(r.num);
	return hits;
}

/** Papers whose derived data (author keys, acronyms) an older derivation wrote, oldest first. */
export async function listPapersDerivedBefore(db: Db, version: number, limit: number) {
	const rows = await db
		.selectFrom("papers")
		.select(["num", "title", "abstract", "authors"])
		.where("derived_version", "<", version)
		.orderBy("num")
		.limit(limit)
		.execute();
	return rows.map((r) => ({
		num: r.num,
		title: r.title,
		abstract: r.abstract,
		authors: JSON.parse(r.authors) as string[],
	}));
}

/** Rewrites one paper's derived data; the triggers bring the lookup tables along. */
export async function updateDerivedData(db: Db, num: number, derived: DerivedData): Promise<void> {
	await db.updateTable("papers").set(derivedColumns(derived)).where("num", "=", num).execute();
}

/**
 * Deletes every paper a source stored (the demo seed), in one statement; returns how many,
 * and the text of those already counted into the document frequencies (weighed).
 */
export async function deletePapersFromSource(
	db: Db,
	source: string,
): Promise<{ deleted: number; weighed: { title: string; abstract: string }[] }> {
	const rows = await db
		.deleteFrom("papers")
		.where("source", "=", source)
		.returning(["title", "abstract", "top_terms"])
		.execute();
	return {
		deleted: rows.length,
		weighed: rows.filter((r) => r.top_terms !== null).map((r) => ({ title: r.title, abstract: r.abstract })),
	};
}

/** When the newest paper not from `exceptSource` was first seen. */
export async function newestPaperAddedAt(db: Db, exceptSource: string): Promise<string | undefined> {
	const row = await db
		.selectFrom("papers")
		.select((eb) => eb.fn.max("added_at").as("at"))
		.where("source", "!=", exceptSource)
		.executeTakeFirst();
	return row?.at ?? undefined;
}

/** Whether any stored paper, of any time, matches an FTS5 expression from topics/fts.ts. */
export async function anyPaperMatches(db: Db, match: string): Promise<boolean> {
	const result = await sql<{ found: number }>`
		select 1 as found from papers_fts where papers_fts match ${match} limit 1`.execute(db);
	return result.rows.length > 0;
}

/** Papers first seen per UTC day and source since `since` (the admin overview's chart): never the demo seed. */
export async function countPapersAddedPerDay(db: Db, since: string) {
	const rows = await db
		.selectFrom("papers")
		.select([sql<string>`substr(added_at, 1, 10)`.as("day"), "source", (eb) => eb.fn.countAll<number>().as("n")])
		.where("added_at", ">=", since)
		.where("source", "!=", seedSource)
		.groupBy(["day", "source"])
		.execute();
	return rows.map((r) => ({ day: r.day, source: r.source, papers: Number(r.n) }));
}

/** How many papers were first seen in [from, to): what a digest window had to choose from (never the seed). */
export async function countPapersAddedBetween(db: Db, from: string, to: string): Promise<number> {
	const row = await db
		.selectFrom("papers")
		.select((eb) => eb.fn.countAll<number>().as("n"))
		.where("added_at", ">=", from)
		.where("added_at", "<", to)
		.where("source", "!=", seedSource)
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

/** A stored paper by its id (arXiv id, or a seed's). */
export async function findPaperById(db: Db, id: string): Promise<Paper | undefined> {
	const row = await db.selectFrom("papers").selectAll().where("id", "=", id).executeTakeFirst();
	return row && toPaper(row);
}

export interface PaperTermRow {
	num: number;
	id: string;
	terms: TermVector;
}

/**
 * The weighed papers first seen in [from, to) (every weighed paper without a window),
 * in a digest's rank order: upvotes, then newest first. `seeds: false` leaves out the
 * example papers, which never go into a digest.
 */
export async function listPaperTerms(
	db: Db,
	window: { from?: string; to?: string; seeds?: boolean } = {},
): Promise<PaperTermRow[]> {
	let query = db.selectFrom("papers").select(["num", "id", "top_terms"]).where("top_terms", "is not", null);
	if (window.from) query = query.where("added_at", ">=", window.from);
	if (window.to) query = query.where("added_at", "<", window.to);
	if (window.seeds === false) query = query.where("source", "!=", seedSource);
	const rows = await query.orderBy("upvotes", "desc").orderBy("added_at", "desc").orderBy("num", "asc").execute();
	return rows.map((r) => ({ num: r.num, id: r.id, terms: decodePaperTerms(r.top_terms as string).terms }));
}

/** A paper's id, title and stored top terms (null: not weighed yet), by number. */
export interface PaperTitleTerms {
	num: number;
	id: string;
	title: string;
	terms: TermVector | null;
}

/** These papers' ids, titles and top terms, in one statement. */
export async function listPaperTermsByNums(db: Db, nums: readonly number[]): Promise<PaperTitleTerms[]> {
	if (!nums.length) return [];
	const { rows } = await sql<{ num: number; id: string; title: string; top_terms: string | null }>`
		select num, id, title, top_terms from papers
		where num in (select value from json_each(${JSON.stringify(nums)}))`.execute(db);
	return rows.map((r) => ({
		num: r.num,
		id: r.id,
		title: r.title,
		terms: r.top_terms === null ? null : decodePaperTerms(r.top_terms).terms,
	}));
}

/** Papers stored before they were weighed (before migration 0070), oldest first. */
export async function listUnweighedPapers(db: Db, limit: number) {
	return db
		.selectFrom("papers")
		.select(["num", "title", "abstract"])
		.where("top_terms", "is", null)
		.orderBy("num")
		.limit(limit)
		.execute();
}

/** Stores a paper's top terms if it has none yet. */
export async function setPaperTerms(db: Db, num: number, terms: PaperTerms): Promise<void> {
	await db
		.updateTable("papers")
		.set({ top_terms: encodePaperTerms(terms) })
		.where("num", "=", num)
		.where("top_terms", "is", null)
		.execute();
}
