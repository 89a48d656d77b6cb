/** The `health_probe` table: one row, rewritten by each health check. */
import type { Db } from "./schema.ts";

/** Writes the probe row; throws what the database says when it cannot take a write. */
export async function writeHealthProbe(db: Db, at: string): Promise<void> {
	await db
		.insertInto("health_probe")
		.values({ id: 1, checked_at: at })
		.onConflict((oc) => oc.column("id").doUpdateSet({ checked_at: at }))
		.execute();
}
