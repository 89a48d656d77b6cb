import { confirmReader } from "../db/subscribers.ts";
import { findToken, markTokenUsed } from "../db/tokens.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../errors.ts";
import { ensureLinkTokens, hashToken, linkTokenFor, tokenPattern } from "./link-tokens.ts";

/** Where a link was followed from: recorded with the confirmation, as the signup's is. */
export interface ClickedFrom {
	ip: string | null;
	userAgent: string | null;
}

/**
 * Activates the subscription behind a confirmation token with the topics and consent
 * evidence that token carries (a later signup for the same address cannot change them),
 * records where the link was clicked from, and returns the reader's manage token. The
 * reader is activated before the token is spent, so a crash in between leaves a link
 * that still works rather than a reader stuck in pending.
 */
export async function confirmSubscription(
	deps: Deps,
	token: string,
	clicked: ClickedFrom,
): Promise<{ manageToken: string }> {
	if (!tokenPattern.test(token)) throw new AppError("not_found", "This confirmation link is not valid.");
	const hash = hashToken(token);
	const found = await findToken(deps.db, hash, ["confirm"]);
	if (!found) throw new AppError("not_found", "This confirmation link is not valid.");
	const now = deps.clock.now().toISOString();
	if (found.usedAt) throw new AppError("already_used", "This confirmation link was already used.");
	if (found.expiresAt && found.expiresAt <= now) throw new AppError("expired", "This confirmation link has expired.");
	if (found.reader.status === "unsubscribed") {
		throw new AppError("expired", "This confirmation link belongs to an earlier signup.");
	}
	const { reader } = found;
	await confirmReader(deps.db, reader.id, {
		signup: found.signup ?? { keywords: reader.keywords, consent: reader.consent },
		at: now,
		ip: clicked.ip,
		userAgent: clicked.userAgent?.slice(0, 500) ?? null,
	});
	await markTokenUsed(deps.db, hash, now);
	deps.log.info("subscription confirmed", { readerId: reader.id });
	await ensureLinkTokens(deps, [reader]);
	return { manageToken: linkTokenFor(deps.config.secret, "manage", reader) };
}
