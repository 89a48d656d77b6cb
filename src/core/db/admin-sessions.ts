/** The `admin_sessions` table: the hashes of the admin area's session cookies. */
import type { Db } from "./schema.ts";

export async function insertAdminSession(db: Db, s: { hash: string; at: string; expiresAt: string }): Promise<void> {
	await db.insertInto("admin_sessions").values({ hash: s.hash, created_at: s.at, expires_at: s.expiresAt }).execute();
}

/** Whether a session with this hash exists and has not expired at `now`. */
export async function isAdminSessionOpen(db: Db, hash: string, now: string): Promise<boolean> {
	const row = await db
		.selectFrom("admin_sessions")
		.select("hash")
		.where("hash", "=", hash)
		.where("expires_at", ">", now)
		.executeTakeFirst();
	return row !== undefined;
}

export async function deleteAdminSession(db: Db, hash: string): Promise<void> {
	await db.deleteFrom("admin_sessions").where("hash", "=", hash).execute();
}

export async function deleteExpiredAdminSessions(db: Db, now: string): Promise<number> {
	const result = await db.deleteFrom("admin_sessions").where("expires_at", "<=", now).executeTakeFirst();
	return Number(result.numDeletedRows);
}
