/**
 * The one place a bounce or complaint is acted on, however it arrived: the SMTP listener
 * and the IMAP poller (Node), the provider webhooks (both runtimes). See
 * docs/decisions/071-one-way-to-act-on-a-bounce.md.
 */
import { countBouncesByKind, countSoftBounces, insertBounce, listBounces, type RecordedKind } from "../db/bounces.ts";
import { findDeliveryReader } from "../db/deliveries.ts";
import { findReaderByEmail, unsubscribeReader } from "../db/subscribers.ts";
import { addSuppression } from "../db/suppressions.ts";
import type { Deps } from "../deps.ts";
import { normaliseEmail } from "../subscriptions/email.ts";
import type { BounceReport } from "./bounce-report.ts";
import { deliveryIdOf } from "./delivery-token.ts";

export type BounceOutcome =
	/** Not a bounce, or it names no delivery or reader of ours: nothing changed. */
	| "ignored"
	/** A soft bounce counted; the reader still gets mail. */
	| "counted"
	/** The address gets no more mail (a hard bounce, a complaint, too many soft bounces). */
	| "suppressed";

export interface BounceResult {
	outcome: BounceOutcome;
	/** The same notice was on file already (its actions were applied again, changing nothing). */
	repeated: boolean;
	readerId?: number;
	deliveryId?: number;
}

/** Sources whose reports were authenticated (a signed or password-protected webhook). */
const providerSources = new Set<BounceReport["source"]>(["resend", "postmark", "ses"]);

/**
 * Records a report and acts on it, idempotently: a hard bounce suppresses the address, a
 * complaint suppresses it and unsubscribes the reader, a soft bounce counts and suppresses
 * once `SOFT_BOUNCE_LIMIT` deliveries soft-bounced within `SOFT_BOUNCE_DAYS`. Mail to the
 * bounce address is trusted only through its delivery token (anyone can write a notice
 * naming any address); a provider's authenticated event without a token may name its
 * recipient instead. The actions are repeated for a repeated report, so a crash between
 * recording and acting is mended by the sender's retry.
 */
export async function recordBounce(
	deps: Pick<Deps, "db" | "clock" | "log" | "config">,
	report: BounceReport,
): Promise<BounceResult> {
	if (report.kind === "not_a_bounce") return { outcome: "ignored", repeated: false };
	const kind: RecordedKind = report.kind;
	const target = await targetOf(deps, report);
	if (!target) {
		deps.log.warn("bounce names no delivery of ours; ignored", {
			kind,
			source: report.source,
			hasToken: report.verpToken !== undefined,
		});
		return { outcome: "ignored", repeated: false };
	}
	const now = deps.clock.now();
	const at = now.toISOString();
	const first = report.recipients[0];
	const inserted = await insertBounce(deps.db, {
		key: target.key,
		readerId: target.readerId,
		deliveryId: target.deliveryId ?? null,
		kind,
		status: first?.status ?? null,
		diagnostic: first?.diagnostic ?? null,
		feedbackType: report.feedbackType ?? null,
		source: report.source,
		at,
	});
	const detail = [kind, first?.status, first?.diagnostic].filter(Boolean).join(" ").slice(0, 500);
	let outcome: BounceOutcome = "suppressed";
	if (kind === "complaint") {
		await addSuppression(deps.db, { email: target.email, reason: "complaint", detail, at });
		await unsubscribeReader(deps.db, target.readerId, at);
	} else if (kind === "hard") {
		await addSuppression(deps.db, { email: target.email, reason: "bounce", detail, at });
	} else {
		const { softLimit, softDays } = deps.config.bounces;
		const since = new Date(now.getTime() - softDays * 86_400_000).toISOString();
		const soft = await countSoftBounces(deps.db, target.readerId, since);
		if (soft >= softLimit) {
			const why = `${soft} soft bounces in ${softDays} days; last: ${detail}`.slice(0, 500);
			await addSuppression(deps.db, { email: target.email, reason: "bounce", detail: why, at });
		} else outcome = "counted";
	}
	const result = { outcome, repeated: !inserted, readerId: target.readerId, deliveryId: target.deliveryId };
	deps.log.info("bounce recorded", { kind, source: report.source, ...result });
	return result;
}

interface Target {
	key: string;
	readerId: number;
	email: string;
	deliveryId?: number;
}

async function targetOf(deps: Pick<Deps, "db" | "config">, report: BounceReport): Promise<Target | undefined> {
	if (report.verpToken) {
		const id = deliveryIdOf(deps.config.secret, report.verpToken);
		const delivery = id === undefined ? undefined : await findDeliveryReader(deps.db, id);
		return delivery && { key: `delivery:${delivery.deliveryId}:${report.kind}`, ...delivery };
	}
	// Only an authenticated provider is believed about an address, and only about its one recipient.
	if (!providerSources.has(report.source) || report.recipients.length !== 1 || !report.providerMessageId) return;
	const email = normaliseEmail(report.recipients[0]?.address ?? "");
	const reader = email ? await findReaderByEmail(deps.db, email) : undefined;
	if (!reader) return undefined;
	return {
		key: `${report.source}:${report.providerMessageId}:${report.kind}`.slice(0, 300),
		readerId: reader.id,
		email: reader.email,
	};
}

/** The bounces and complaints of the last `days` days, newest first (CLI, admin pages). */
export async function recentBounces(deps: Pick<Deps, "db" | "clock">, p: { days: number; limit: number }) {
	const since = new Date(deps.clock.now().getTime() - p.days * 86_400_000).toISOString();
	return {
		counts: await countBouncesByKind(deps.db, since),
		bounces: await listBounces(deps.db, { since, limit: p.limit }),
	};
}
