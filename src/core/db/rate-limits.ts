import { sql } from "kysely";
import type { Db } from "./schema.ts";

/**
 * Adds `by` (0 counts nothing, in the same statement) to a fixed-window counter and
 * returns its count. A counter row is also a record the operator can query.
 */
export async function addToCounter(db: Db, key: string, windowStart: string, by: number): Promise<number> {
	const row = await db
		.insertInto("rate_limits")
		.values({ key, window_start: windowStart, count: by })
		.onConflict((oc) => oc.columns(["key", "window_start"]).doUpdateSet({ count: sql`count + ${by}` }))
		.returning("count")
		.executeTakeFirstOrThrow();
	return row.count;
}

/** Counts one hit in a fixed window and says whether it is within the limit. */
export async function hitRateLimit(db: Db, key: string, windowStart: string, limit: number): Promise<boolean> {
	return (await addToCounter(db, key, windowStart, 1)) <= limit;
}

/**
 * Claims a key for good (a form stamp's nonce): true the first time only. The row's window
 * is the time it was issued, so the daily pruning removes it once nobody could use it.
 */
export async function claimOnce(db: Db, key: string, issuedAt: string): Promise<boolean> {
	const row = await db
		.insertInto("rate_limits")
		.values({ key, window_start: issuedAt, count: 1 })
		.onConflict((oc) => oc.columns(["key", "window_start"]).doNothing())
		.returning("count")
		.executeTakeFirst();
	return row !== undefined;
}

/**
 * Claims a cooldown: succeeds (and restarts it) only if the last claim under this key is
 * older than `notAfter`. One upsert, so concurrent requests cannot both win.
 */
export async function claimCooldown(db: Db, key: string, now: string, notAfter: string): Promise<boolean> {
	const row = await db
		.insertInto("rate_limits")
		.values({ key, window_start: "cooldown", count: Date.parse(now) })
		.onConflict((oc) =>
			oc
				.columns(["key", "window_start"])
				.doUpdateSet({ count: Date.parse(now) })
				.where("rate_limits.count", "<=", Date.parse(notAfter)),
		)
		.returning("count")
		.executeTakeFirst();
	return row !== undefined;
}

/** Forgets a cooldown's last claim, so the next claim succeeds. */
export async function releaseCooldown(db: Db, key: string): Promise<void> {
	await db.deleteFrom("rate_limits").where("key", "=", key).where("window_start", "=", "cooldown").execute();
}

export async function pruneRateLimits(db: Db, before: string): Promise<void> {
	await db
		.deleteFrom("rate_limits")
		.where("window_start", "<", before)
		.where("window_start", "!=", "cooldown")
		.execute();
	await db
		.deleteFrom("rate_limits")
		.where("window_start", "=", "cooldown")
		.where("count", "<", Date.parse(before))
		.execute();
}
