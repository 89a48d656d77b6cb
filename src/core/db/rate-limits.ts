import { sql } from "kysely";
import type { Db } from "./schema.ts";

/** Counts one hit in a fixed window and says whether it is within the limit. */
export async function hitRateLimit(db: Db, key: string, windowStart: string, limit: number): Promise<boolean> {
	const row = await db
		.insertInto("rate_limits")
		.values({ key, window_start: windowStart, count: 1 })
		.onConflict((oc) => oc.columns(["key", "window_start"]).doUpdateSet({ count: sql`count + 1` }))
		.returning("count")
		.executeTakeFirstOrThrow();
	return row.count <= limit;
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
