/**
 * A signup from the form: admitted by signup-admission.ts, then recorded here (the
 * reader, their consent, a confirmation token) and answered by mail after the response.
 */
import { recordSignupRow } from "../db/subscribers.ts";
import { insertTokens } from "../db/tokens.ts";
import type { Deps } from "../deps.ts";
import type { MailMessage } from "../mail/mailer.ts";
import { confirmationMail, manageLinkMail } from "../mail/transactional.ts";
import { readerByEmail } from "./find-reader.ts";
import type { SubscribeForm } from "./form-schemas.ts";
import { confirmTokenHours, confirmTokenRow, derivedTokenRow } from "./link-tokens.ts";
import { confirmUrl, manageUrl } from "./links.ts";
import { type Admission, admitSignup, type SignupRequest } from "./signup-admission.ts";

/** Recorded with each consent, so we can tell which wording a reader agreed to. */
export const signupFormVersion = "signup-2026-11";

/** What happened; the reader sees the same page whatever it is. */
export type SubscribeOutcome = Exclude<Admission, "admitted"> | RecordedSignup["outcome"];

interface RecordedSignup {
	outcome: "confirmation_sent" | "manage_link_sent";
	message: MailMessage;
}

/**
 * Records an admitted signup and composes its mail: a confirmation (carrying this
 * signup's topics and consent evidence) for a new, pending or unsubscribed address; the
 * manage link for a confirmed reader, whose topics are left alone.
 */
export async function recordSignup(
	deps: Deps,
	form: SubscribeForm,
	request: SignupRequest,
	now: Date,
): Promise<RecordedSignup> {
	const { config, db } = deps;
	const consent = {
		at: now.toISOString(),
		ip: request.ip,
		userAgent: request.userAgent?.slice(0, 500) ?? null,
		formVersion: signupFormVersion,
		source: "form",
	};
	await recordSignupRow(
		db,
		{ email: form.email, keywords: form.keywords, manageSalt: deps.random.token(), consent, timezone: config.timeZone },
		true,
	);
	const reader = await readerByEmail(deps, form.email);
	if (reader.status === "pending") {
		const token = confirmTokenRow(deps, reader, { keywords: form.keywords, consent });
		await insertTokens(db, [token]);
		const message = confirmationMail(config, {
			to: reader.email,
			date: now,
			messageKey: `confirm.${reader.id}.${now.getTime()}`,
			confirmUrl: confirmUrl(config, token.token),
			topics: form.keywords.length,
			frequency: reader.frequency,
			expiresHours: confirmTokenHours,
		});
		return { outcome: "confirmation_sent", message };
	}
	// The manage page links to the unsubscribe page: both go on file.
	const manage = derivedTokenRow(config.secret, "manage", reader, consent.at);
	await insertTokens(db, [manage, derivedTokenRow(config.secret, "unsubscribe", reader, consent.at)]);
	const message = manageLinkMail(config, {
		to: reader.email,
		date: now,
		messageKey: `manage.${reader.id}.${now.getTime()}`,
		manageUrl: manageUrl(config, manage.token),
	});
	return { outcome: "manage_link_sent", message };
}

/**
 * Handles a signup. Only the per-IP limit is visible to the caller (as rate_limited);
 * everything else ends in the same neutral answer. Mail goes out after the response
 * (deps.defer), so timing does not tell either.
 */
export async function subscribe(deps: Deps, form: SubscribeForm, request: SignupRequest): Promise<SubscribeOutcome> {
	const now = deps.clock.now();
	const admission = await admitSignup(deps, form, request, now);
	if (admission !== "admitted") return admission;
	const { outcome, message } = await recordSignup(deps, form, request, now);
	deps.defer(
		deps.mailer.send(message).then(
			(result) => deps.log.info("signup mail sent", { outcome, messageId: result.messageId }),
			(error: unknown) => deps.log.error("signup mail failed", { outcome, error }),
		),
	);
	return outcome;
}
