import { deleteExpiredAdminSessions } from "../db/admin-sessions.ts";
import { pruneDeliveries } from "../db/deliveries.ts";
import { pruneQueuedMail } from "../db/mail-outbox.ts";
import { pruneRateLimits } from "../db/rate-limits.ts";
import { deleteExpiredTokens } from "../db/tokens.ts";
import { pruneWebhookReplays } from "../db/webhook-replays.ts";
import type { Deps } from "../deps.ts";

/** Rate-limit windows this old can no longer decide anything (the longest is a day). */
const rateLimitKeepMs = 2 * 86_400_000;

/**
 * Old deliveries deleted per statement, and statements per day: a day's share of 100,000
 * weekly readers (~14,000 rows) goes in a few statements, and a first run on a large,
 * never-pruned table spreads over days rather than one long invocation.
 */
const prunePerStatement = 5000;
const pruneRounds = 20;

/**
 * The daily clean-up, run with the ingest job on both runtimes: every signup leaves
 * rate-limit counters and a confirmation token behind, and neither is worth keeping once
 * it has expired; nor is an admin session past its time. Delivery rows older than
 * DELIVERY_RETENTION_DAYS go too (issue 15).
 */
export async function pruneExpired(
	deps: Pick<Deps, "db" | "clock" | "config">,
): Promise<{ expiredTokens: number; oldDeliveries: number }> {
	const now = deps.clock.now();
	await pruneRateLimits(deps.db, new Date(now.getTime() - rateLimitKeepMs).toISOString());
	await pruneWebhookReplays(deps.db, now.toISOString());
	await deleteExpiredAdminSessions(deps.db, now.toISOString());
	await pruneQueuedMail(deps.db, new Date(now.getTime() - rateLimitKeepMs).toISOString());
	return {
		expiredTokens: await deleteExpiredTokens(deps.db, now.toISOString()),
		oldDeliveries: await pruneOldDeliveries(deps, now),
	};
}

async function pruneOldDeliveries(deps: Pick<Deps, "db" | "config">, now: Date): Promise<number> {
	const days = deps.config.digest.retentionDays;
	if (days === 0) return 0;
	const before = new Date(now.getTime() - days * 86_400_000).toISOString();
	let pruned = 0;
	for (let round = 0; round < pruneRounds; round++) {
		const n = await pruneDeliveries(deps.db, { before, limit: prunePerStatement });
		pruned += n;
		if (n < prunePerStatement) break;
	}
	return pruned;
}
