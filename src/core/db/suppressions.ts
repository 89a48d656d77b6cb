/** The `suppressions` table: addresses we never send to again. */
import type { Suppression, SuppressionReason } from "../subscriptions/suppress.ts";
import type { Db } from "./schema.ts";

export async function isSuppressed(db: Db, email: string): Promise<boolean> {
	const row = await db.selectFrom("suppressions").select("email").where("email", "=", email).executeTakeFirst();
	return row !== undefined;
}

export async function addSuppression(
	db: Db,
	s: { email: string; reason: SuppressionReason; detail: string | null; at: string },
): Promise<void> {
	await db
		.insertInto("suppressions")
		.values({ email: s.email, reason: s.reason, detail: s.detail, created_at: s.at })
		.onConflict((oc) => oc.column("email").doNothing())
		.execute();
}

export async function removeSuppression(db: Db, email: string): Promise<boolean> {
	const result = await db.deleteFrom("suppressions").where("email", "=", email).executeTakeFirst();
	return Number(result.numDeletedRows) > 0;
}

export async function countSuppressions(db: Db): Promise<number> {
	const row = await db
		.selectFrom("suppressions")
		.select((eb) => eb.fn.countAll<number>().as("n"))
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

/** Suppressed addresses, newest first. */
export async function listSuppressions(db: Db, p: { limit: number; email?: string }): Promise<Suppression[]> {
	const rows = await db
		.selectFrom("suppressions")
		.selectAll()
		.$if(p.email !== undefined, (q) => q.where("email", "=", p.email ?? ""))
		.orderBy("created_at", "desc")
		.limit(p.limit)
		.execute();
	return rows.map((r) => ({ email: r.email, reason: r.reason, detail: r.detail, at: r.created_at }));
}

export async function countSuppressionsByReason(db: Db): Promise<Record<SuppressionReason, number>> {
	const rows = await db
		.selectFrom("suppressions")
		.select(["reason", (eb) => eb.fn.countAll<number>().as("n")])
		.groupBy("reason")
		.execute();
	const counts = { bounce: 0, complaint: 0, manual: 0 };
	for (const row of rows) counts[row.reason] = Number(row.n);
	return counts;
}
