/** The `acronyms` table: the dictionary learned at ingest, counted by triggers (migrations/0020). */
import { sql } from "kysely";
import type { Db } from "./schema.ts";

export interface AcronymEntry {
	shortKey: string;
	longKey: string;
	short: string;
	long: string;
	/** Stored papers that define this short form with this long form. */
	papers: number;
}

const toEntry = (r: { short_key: string; long_key: string; short: string; long: string; papers: number }) => ({
	shortKey: r.short_key,
	longKey: r.long_key,
	short: r.short,
	long: r.long,
	papers: r.papers,
});

/** Every long form of these short forms, and every short form of these long forms. */
const jsonList = (values: readonly string[]) => sql<string>`(select value from json_each(${JSON.stringify(values)}))`;

export async function findAcronyms(db: Db, keys: { shortKeys: string[]; longKeys: string[] }): Promise<AcronymEntry[]> {
	if (!keys.shortKeys.length && !keys.longKeys.length) return [];
	const rows = await db
		.selectFrom("acronyms")
		.selectAll()
		.where((eb) =>
			eb.or([
				// Lists bound as one JSON value each: a planner resolves hundreds of keywords at once (D1 binds 100).
				...(keys.shortKeys.length ? [eb("short_key", "in", jsonList(keys.shortKeys))] : []),
				...(keys.longKeys.length ? [eb("long_key", "in", jsonList(keys.longKeys))] : []),
			]),
		)
		.execute();
	return rows.map(toEntry);
}

/** The dictionary's size, and its entries defined by the most papers. */
export async function summariseAcronyms(db: Db, top: number): Promise<{ entries: number; top: AcronymEntry[] }> {
	const count = await db
		.selectFrom("acronyms")
		.select((eb) => eb.fn.countAll<number>().as("n"))
		.executeTakeFirstOrThrow();
	const rows = await db
		.selectFrom("acronyms")
		.selectAll()
		.orderBy("papers", "desc")
		.orderBy("short_key")
		.limit(top)
		.execute();
	return { entries: Number(count.n), top: rows.map(toEntry) };
}
