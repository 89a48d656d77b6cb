import { activateReader } from "../db/subscribers.ts";
import { findTokenWithReader, markTokenUsed } from "../db/tokens.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../errors.ts";
import { ensureManageToken, hashToken, tokenPattern } from "./link-tokens.ts";

/**
 * Activates the subscription behind a confirmation token and returns the reader's
 * manage token. The reader is activated before the token is spent, so a crash in
 * between leaves a link that still works rather than a reader stuck in pending.
 */
export async function confirmSubscription(deps: Deps, token: string): Promise<{ manageToken: string }> {
	if (!tokenPattern.test(token)) throw new AppError("not_found", "This confirmation link is not valid.");
	const hash = hashToken(token);
	const found = await findTokenWithReader(deps.db, hash, "confirm");
	if (!found) throw new AppError("not_found", "This confirmation link is not valid.");
	const now = deps.clock.now().toISOString();
	if (found.usedAt) throw new AppError("already_used", "This confirmation link was already used.");
	if (found.expiresAt && found.expiresAt <= now) throw new AppError("expired", "This confirmation link has expired.");
	if (found.reader.status === "unsubscribed") {
		throw new AppError("expired", "This confirmation link belongs to an earlier signup.");
	}
	await activateReader(deps.db, found.reader.id, now);
	await markTokenUsed(deps.db, hash, now);
	deps.log.info("subscription confirmed", { readerId: found.reader.id });
	return { manageToken: await ensureManageToken(deps, found.reader) };
}
