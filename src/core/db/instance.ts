/** The `instance` table: one row, this installation's id and when its database was made. */
import type { Db } from "./schema.ts";

export async function getInstance(db: Db): Promise<{ id: string; createdAt: string }> {
	const row = await db.selectFrom("instance").select(["instance_id", "created_at"]).executeTakeFirstOrThrow();
	return { id: row.instance_id, createdAt: row.created_at };
}
