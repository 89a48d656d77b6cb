/** The `term_docs` table: how many stored papers use each content term; '' counts the papers. */
import { sql } from "kysely";
import type { DocFreqChange } from "../recommend/doc-freq.ts";
import type { Db } from "./schema.ts";

/** The row that counts papers: no stem is empty. */
const paperCountTerm = "";

export interface DocFreqs {
	docCount: number;
	docs: Map<string, number>;
}

/** The document frequencies of these terms (absent: no paper uses it), and the paper count, in one statement. */
export async function getDocFreqs(db: Db, terms: Iterable<string>): Promise<DocFreqs> {
	const { rows } = await sql<{ term: string; docs: number }>`
		select term, docs from term_docs
		where term in (select value from json_each(${JSON.stringify([paperCountTerm, ...terms])}))`.execute(db);
	const docs = new Map<string, number>();
	let docCount = 0;
	for (const row of rows) {
		if (row.term === paperCountTerm) docCount = row.docs;
		else docs.set(row.term, row.docs);
	}
	return { docCount, docs };
}

/** Adds a change's increments, in one statement with no read first; counts at 0 or below go. */
export async function addDocFreqs(db: Db, change: DocFreqChange): Promise<void> {
	if (!change.docCount && !change.terms.size) return;
	const rows = [[paperCountTerm, change.docCount], ...change.terms];
	await sql`
		insert into term_docs (term, docs)
		select value ->> 0, value ->> 1 from json_each(${JSON.stringify(rows)}) where true
		on conflict (term) do update set docs = docs + excluded.docs`.execute(db);
	if ([...change.terms.values()].some((delta) => delta < 0))
		await db.deleteFrom("term_docs").where("docs", "<=", 0).where("term", "!=", paperCountTerm).execute();
}
