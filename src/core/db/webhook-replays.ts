/** The `webhook_replays` table: signed webhook requests already accepted, until their signature lapses. */
import { sql } from "kysely";
import type { ReplayStore } from "../webhooks/replay-store.ts";
import type { Db } from "./schema.ts";

/**
 * The ReplayStore of docs/webhooks.md on the database: one statement remembers a key, so
 * two copies of a request arriving at once (two processes, two isolates) cannot both pass.
 */
export function dbReplayStore(db: Db): ReplayStore {
	return {
		async remember(key, until, now) {
			const result = await sql`
				insert into webhook_replays (key, until) values (${key}, ${until.toISOString()})
				on conflict (key) do update set until = excluded.until where webhook_replays.until <= ${now.toISOString()}`.execute(
				db,
			);
			return Number(result.numAffectedRows ?? 0) > 0;
		},
		async forget(key) {
			await db.deleteFrom("webhook_replays").where("key", "=", key).execute();
		},
	};
}

/** Housekeeping: keys whose signatures no longer count are refused by their timestamp anyway. */
export async function pruneWebhookReplays(db: Db, now: string): Promise<number> {
	const result = await db.deleteFrom("webhook_replays").where("until", "<=", now).executeTakeFirst();
	return Number(result.numDeletedRows);
}
