/**
 * A signup from the form: screened and admitted by signup-admission.ts, then recorded
 * here (the reader, a confirmation token carrying this signup's topics and consent) and
 * answered by mail after the response.
 */
import { findReaderByEmail, recordSignupRow } from "../db/subscribers.ts";
import { insertTokens, type NewToken } from "../db/tokens.ts";
import type { Deps } from "../deps.ts";
import { queueMail, sendAfterResponse } from "../mail/mail-outbox.ts";
import type { MailMessage } from "../mail/mailer.ts";
import { confirmationMail, manageLinkMail } from "../mail/transactional.ts";
import type { SubscribeForm } from "./form-schemas.ts";
import { confirmTokenHours, confirmTokenRow, derivedTokenRow } from "./link-tokens.ts";
import { confirmUrl, manageUrl } from "./links.ts";
import {
	type Admission,
	admitAddress,
	releaseMailCooldown,
	type SignupRequest,
	screenSignup,
} from "./signup-admission.ts";

/** Recorded with each consent, so we can tell which wording a reader agreed to. */
export const signupFormVersion = "signup-2026-11";

/** What happened; the reader sees the same page whatever it is. */
export type SubscribeOutcome = Exclude<Admission, "admitted"> | RecordedSignup["outcome"];

interface RecordedSignup {
	outcome: "confirmation_sent" | "manage_link_sent";
	message: MailMessage;
	/** The reader the mail is for; 0 when there is none (a signup not admitted, which writes nothing). */
	readerId: number;
}

/**
 * Records a signup and composes its mail: a confirmation (carrying this signup's topics
 * and consent evidence) for a new, pending or unsubscribed address; the manage link for
 * a confirmed reader, whose topics are left alone. When `admitted` is false (suppressed,
 * throttled, capped) the same statements run and the same mail is composed, but nothing
 * is written and nothing will be sent: the work does not tell the states apart.
 */
async function recordSignup(
	deps: Deps,
	form: SubscribeForm,
	request: SignupRequest,
	now: Date,
	admitted: boolean,
): Promise<RecordedSignup> {
	const { config, db } = deps;
	const consent = {
		at: now.toISOString(),
		ip: request.ip,
		userAgent: request.userAgent?.slice(0, 500) ?? null,
		formVersion: signupFormVersion,
		source: "form",
	};
	const signup = { email: form.email, keywords: form.keywords, consent };
	await recordSignupRow(db, { ...signup, manageSalt: deps.random.token(), timezone: config.timeZone }, admitted);
	const reader = await findReaderByEmail(db, form.email);
	const owner = reader ?? { id: 0, manageSalt: "", status: "pending", frequency: "weekly", email: form.email };
	const written = (rows: NewToken[]) => (admitted && reader ? rows : []);
	if (owner.status === "pending" || !admitted) {
		const token = confirmTokenRow(deps, owner, signup);
		await insertTokens(db, written([token]));
		const message = confirmationMail(config, {
			to: owner.email,
			date: now,
			messageKey: `confirm.${owner.id}.${now.getTime()}`,
			confirmUrl: confirmUrl(config, token.token),
			topics: form.keywords.length,
			frequency: owner.frequency,
			expiresHours: confirmTokenHours,
		});
		return { outcome: "confirmation_sent", message, readerId: owner.id };
	}
	// The manage page links to the unsubscribe page: both go on file.
	const manage = derivedTokenRow(config.secret, "manage", owner, consent.at);
	await insertTokens(db, written([manage, derivedTokenRow(config.secret, "unsubscribe", owner, consent.at)]));
	const message = manageLinkMail(config, {
		to: owner.email,
		date: now,
		messageKey: `manage.${owner.id}.${now.getTime()}`,
		manageUrl: manageUrl(config, manage.token),
	});
	return { outcome: "manage_link_sent", message, readerId: owner.id };
}

/**
 * Handles a signup. Only the per-network limit is visible to the caller (as rate_limited),
 * and an old form (expired); everything else ends in the same neutral answer after the
 * same work. Mail goes out after the response (deps.defer).
 */
export async function subscribe(deps: Deps, form: SubscribeForm, request: SignupRequest): Promise<SubscribeOutcome> {
	const now = deps.clock.now();
	if ((await screenSignup(deps, form, request, now)) === "bot") return "bot";
	const admission = await admitAddress(deps, form.email, now);
	const admitted = admission === "admitted";
	const { outcome, message, readerId } = await recordSignup(deps, form, request, now, admitted);
	// Queued in the request (the same statement whether admitted or not), sent after it:
	// if the relay is down the mail waits in the outbox instead of being lost.
	const kind = outcome === "confirmation_sent" ? "confirm" : "manage-link";
	const expiresAt = new Date(now.getTime() + confirmTokenHours * 3_600_000);
	let queued: number | undefined;
	try {
		queued = await queueMail(deps, message, { kind, readerId, expiresAt, keep: admitted });
	} catch (error) {
		// Nothing was queued, so nothing may count against the cooldown.
		if (admitted) await releaseMailCooldown(deps, form.email).catch(() => {});
		throw error;
	}
	if (!admitted) return admission;
	if (queued !== undefined) sendAfterResponse(deps, queued);
	return outcome;
}
