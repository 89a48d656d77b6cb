import { backoffMs } from "../backoff.ts";
import { deliveryTokenFor } from "../bounces/delivery-token.ts";
import type { Deps } from "../deps.ts";
import { isAppError } from "../errors.ts";
import { composeMessage } from "../mail/compose-message.ts";
import { retryAfterSeconds } from "../mail/mailer.ts";
import { staleSourcesReason } from "../papers/source-alarms.ts";
import type { ClaimedDelivery, DeliveryOutcome } from "./delivery.ts";
import type { DigestComposer } from "./digest-composer.ts";
import { retryDeadline } from "./period.ts";

/** Whether every source is in alarm, asked once per composer (one drain, one queue batch). */
const staleReasons = new WeakMap<DigestComposer, Promise<string | undefined>>();
function staleReason(deps: Deps, composer: DigestComposer): Promise<string | undefined> {
	let reason = staleReasons.get(composer);
	if (!reason) {
		reason = staleSourcesReason(deps);
		staleReasons.set(composer, reason);
	}
	return reason;
}

/** What a skipped delivery records when none of the window's papers matched the reader's topics. */
export const nothingMatched = "no new papers matched";

/**
 * Why a reader's digest had no papers, whether planning or a sender found that out: the
 * sources' fault when every one is in alarm, else nothing matched (silent-weeks notes and
 * the reader's history read this).
 */
export const emptyDigestReason = async (deps: Deps, composer: DigestComposer): Promise<string> =>
	(await staleReason(deps, composer)) ?? nothingMatched;

/** Mailbox-level permanent failures (RFC 3463 5.1.x: no such user, bad address). */
const badMailbox = /\b5\.1\.\d{1,3}\b/;

/**
 * Composes and sends one claimed delivery and says how it ended. The Message-ID is
 * derived from the delivery, so a resend after a crash carries the same one and mail
 * systems that de-duplicate by Message-ID drop the copy.
 */
export async function sendDelivery(deps: Deps, composer: DigestComposer, d: ClaimedDelivery): Promise<DeliveryOutcome> {
	const at = () => deps.clock.now().toISOString();
	if (d.readerStatus !== "active") return { status: "skipped", at: at(), reason: `reader is ${d.readerStatus}` };
	if (d.suppressed) return { status: "skipped", at: at(), reason: "address is suppressed" };
	const digest = await composer.compose(d.reader, { from: d.windowStart, to: d.windowEnd }, d.planned);
	if (!digest) return { status: "skipped", at: at(), reason: await emptyDigestReason(deps, composer) };
	const message = composeMessage(deps.config, {
		to: d.reader.email,
		subject: digest.rendered.subject,
		html: digest.rendered.html,
		text: digest.rendered.text,
		date: deps.clock.now(),
		messageKey: `digest.${d.id}.${d.period.replace(/[^\w-]/g, ".")}`,
		unsubscribeUrl: digest.unsubscribeUrl,
		deliveryToken: deliveryTokenFor(deps.config.secret, d.id),
	});
	try {
		const result = await deps.mailer.send(message);
		return {
			status: "sent",
			at: at(),
			messageId: result.messageId,
			paperIds: [...digest.papers, ...digest.similar].map((p) => p.paper.id),
		};
	} catch (error) {
		const text = error instanceof Error ? error.message : String(error);
		if (isAppError(error) && error.code === "rejected") {
			const failed = { status: "failed", at: at(), error: text.slice(0, 1000) } as const;
			return badMailbox.test(text) ? { ...failed, bounce: text.slice(0, 500) } : failed;
		}
		// Temporary (4xx, the relay down or paused, the provider's rate): retried until the
		// delivery is a period old, however many attempts that takes.
		const { retryBaseSeconds, retryMaxSeconds, retryForPeriods } = deps.config.digest;
		const deadline = retryDeadline(d.period, d.plannedAt, retryForPeriods);
		// A 429 is the provider's rate, not this reader: come back when it says, and keep the attempt.
		const wait = retryAfterSeconds(error);
		const delay =
			wait !== undefined
				? wait * 1000
				: backoffMs(d.attempts, retryBaseSeconds * 1000, retryMaxSeconds * 1000, deps.random.unit());
		const next = new Date(deps.clock.now().getTime() + delay);
		if (next > deadline) {
			const gaveUp = `gave up at its deadline ${deadline.toISOString()} after ${d.attempts} attempts: ${text}`;
			return { status: "failed", at: at(), error: gaveUp.slice(0, 1000) };
		}
		const retry = { status: "retry", at: at(), nextAttemptAt: next.toISOString(), error: text.slice(0, 1000) } as const;
		return wait !== undefined ? { ...retry, uncounted: true } : retry;
	}
}
