/** The `paper_categories` table: lower-cased arXiv categories, filled by triggers from papers.categories. */
import type { NumRange } from "./papers.ts";
import type { Db } from "./schema.ts";

/**
 * Papers in a row range listed in a category (`cs.cl`) or, with `archive`, in any category
 * starting with the prefix (`cs.`): an index range either way.
 */
export async function listPaperNumsInCategory(
	db: Db,
	category: string,
	archive: boolean,
	range: NumRange,
): Promise<number[]> {
	let query = db
		.selectFrom("paper_categories")
		.select("paper_num")
		.where("paper_num", ">=", range.lo)
		.where("paper_num", "<=", range.hi);
	// `cs.` up to `cs/`: "/" is the character after "." in code-point order.
	query = archive
		? query.where("category", ">=", category).where("category", "<", `${category.slice(0, -1)}/`)
		: query.where("category", "=", category);
	return (await query.execute()).map((r) => r.paper_num);
}
