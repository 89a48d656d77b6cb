import { deleteExpiredAdminSessions } from "../db/admin-sessions.ts";
import { pruneQueuedMail } from "../db/mail-outbox.ts";
import { pruneRateLimits } from "../db/rate-limits.ts";
import { deleteExpiredTokens } from "../db/tokens.ts";
import { pruneWebhookReplays } from "../db/webhook-replays.ts";
import type { Deps } from "../deps.ts";

/** Rate-limit windows this old can no longer decide anything (the longest is a day). */
const rateLimitKeepMs = 2 * 86_400_000;

/**
 * The daily clean-up, run with the ingest job on both runtimes: every signup leaves
 * rate-limit counters and a confirmation token behind, and neither is worth keeping once
 * it has expired; nor is an admin session past its time.
 */
export async function pruneExpired(deps: Pick<Deps, "db" | "clock">): Promise<{ expiredTokens: number }> {
	const now = deps.clock.now();
	await pruneRateLimits(deps.db, new Date(now.getTime() - rateLimitKeepMs).toISOString());
	await pruneWebhookReplays(deps.db, now.toISOString());
	await deleteExpiredAdminSessions(deps.db, now.toISOString());
	await pruneQueuedMail(deps.db, new Date(now.getTime() - rateLimitKeepMs).toISOString());
	return { expiredTokens: await deleteExpiredTokens(deps.db, now.toISOString()) };
}
