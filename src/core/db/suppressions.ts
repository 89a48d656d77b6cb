/** The `suppressions` table: addresses we never send to again. */
import type { SuppressionReason } from "../subscriptions/suppress.ts";
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
