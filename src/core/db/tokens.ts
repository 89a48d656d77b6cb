/** The `tokens` table: hashes of the links we hand out (confirm, manage), never the tokens. */
import type { Reader } from "../subscriptions/reader.ts";
import { chunksFor } from "./limits.ts";
import type { Db, TokenPurpose } from "./schema.ts";
import { toReader } from "./subscribers.ts";

export async function insertToken(
	db: Db,
	token: { hash: string; readerId: number; purpose: TokenPurpose; createdAt: string; expiresAt: string | null },
): Promise<void> {
	await db
		.insertInto("tokens")
		.values({
			hash: token.hash,
			subscriber_id: token.readerId,
			purpose: token.purpose,
			created_at: token.createdAt,
			expires_at: token.expiresAt,
		})
		.onConflict((oc) => oc.column("hash").doNothing())
		.execute();
}

export interface TokenWithReader {
	expiresAt: string | null;
	usedAt: string | null;
	reader: Reader;
}

export async function findTokenWithReader(
	db: Db,
	hash: string,
	purpose: TokenPurpose,
): Promise<TokenWithReader | undefined> {
	const row = await db
		.selectFrom("tokens")
		.innerJoin("subscribers", "subscribers.id", "tokens.subscriber_id")
		.selectAll("subscribers")
		.select(["tokens.expires_at as token_expires_at", "tokens.used_at as token_used_at"])
		.where("tokens.hash", "=", hash)
		.where("tokens.purpose", "=", purpose)
		.executeTakeFirst();
	if (!row) return undefined;
	const { token_expires_at, token_used_at, ...subscriber } = row;
	return { expiresAt: token_expires_at, usedAt: token_used_at, reader: toReader(subscriber) };
}

export async function markTokenUsed(db: Db, hash: string, at: string): Promise<void> {
	await db.updateTable("tokens").set({ used_at: at }).where("hash", "=", hash).where("used_at", "is", null).execute();
}

/** Confirm tokens are worthless once expired; keeping them only grows the table. */
export async function deleteExpiredTokens(db: Db, now: string): Promise<number> {
	const result = await db
		.deleteFrom("tokens")
		.where("purpose", "=", "confirm")
		.where("expires_at", "<", now)
		.executeTakeFirst();
	return Number(result.numDeletedRows);
}

/** Many manage tokens at once (a digest batch, an import); existing ones are kept. */
export async function insertManageTokens(
	db: Db,
	tokens: readonly { hash: string; readerId: number }[],
	createdAt: string,
): Promise<void> {
	for (const chunk of chunksFor(db, tokens, 5, 500)) {
		await db
			.insertInto("tokens")
			.values(
				chunk.map((t) => ({
					hash: t.hash,
					subscriber_id: t.readerId,
					purpose: "manage" as const,
					created_at: createdAt,
					expires_at: null,
				})),
			)
			.onConflict((oc) => oc.column("hash").doNothing())
			.execute();
	}
}
