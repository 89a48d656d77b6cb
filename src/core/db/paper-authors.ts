/** The `paper_authors` table: folded author names, filled by triggers from papers.author_keys. */
import type { AuthorKey } from "../papers/author-names.ts";
import type { NumRange } from "./papers.ts";
import type { Db } from "./schema.ts";

/** Papers in a row range with an author of this (folded) last name, and that author's given names. */
export async function listAuthorsNamed(
	db: Db,
	last: string,
	range: NumRange,
): Promise<{ num: number; author: AuthorKey }[]> {
	const rows = await db
		.selectFrom("paper_authors")
		.select(["paper_num", "given"])
		.where("last", "=", last)
		.where("paper_num", ">=", range.lo)
		.where("paper_num", "<=", range.hi)
		.execute();
	return rows.map((r) => ({ num: r.paper_num, author: { last, given: r.given ? r.given.split(" ") : [] } }));
}
