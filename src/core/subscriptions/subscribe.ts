import { sha256Hex } from "../crypto.ts";
import { claimCooldown, hitRateLimit } from "../db/rate-limits.ts";
import { upsertSignup } from "../db/subscribers.ts";
import { isSuppressed } from "../db/suppressions.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../errors.ts";
import type { MailMessage } from "../mail/mailer.ts";
import { confirmationMail, manageLinkMail } from "../mail/transactional.ts";
import type { SubscribeForm } from "./form-schemas.ts";
import { confirmUrl, manageUrl } from "./links.ts";
import { checkFormStamp, confirmTokenHours, ensureManageToken, issueConfirmToken } from "./link-tokens.ts";

/** Recorded with each consent, so we can tell which wording a reader agreed to. */
export const signupFormVersion = "signup-2026-11";

export interface RequestInfo {
	ip: string | null;
	userAgent: string | null;
}

/** What happened; the reader sees the same page whatever it is. */
export type SubscribeOutcome = "confirmation_sent" | "manage_link_sent" | "bot" | "throttled" | "suppressed";

const hourWindow = (now: Date) => now.toISOString().slice(0, 13);
const dayWindow = (now: Date) => now.toISOString().slice(0, 10);

/**
 * Handles a signup. Only the per-IP limit is visible to the caller (as rate_limited);
 * everything else ends in the same neutral answer, so nobody can learn who subscribed.
 * Mail goes out after the response (deps.defer), so timing does not tell either.
 */
export async function subscribe(deps: Deps, form: SubscribeForm, request: RequestInfo): Promise<SubscribeOutcome> {
	const { db, config, clock, log } = deps;
	const now = clock.now();
	if (request.ip) {
		const allowed = await hitRateLimit(
			db,
			`subscribe-ip:${request.ip}`,
			hourWindow(now),
			config.limits.subscribePerIpPerHour,
		);
		if (!allowed)
			throw new AppError("rate_limited", "Too many signups from your network. Please try again in an hour.");
	}
	const stamp = checkFormStamp(config.secret, form.stamp, now, config.limits.minFillSeconds);
	if (stamp === "expired" && !form.website) {
		throw new AppError(
			"expired",
			"This form was open for more than a day, so we refreshed it. Please subscribe again.",
		);
	}
	if (form.website || stamp !== "ok") {
		log.info("signup dropped as automated", { reason: form.website ? "honeypot" : `stamp ${stamp}` });
		return "bot";
	}
	const email = form.email;
	if (await isSuppressed(db, email)) return "suppressed";

	// At most one mail per address per cooldown, and a few a day, whoever asks from where.
	// Keyed by a hash: the counters outlive a reader who deletes their data.
	const key = sha256Hex(email.toLowerCase());
	const cooldownStart = new Date(now.getTime() - config.limits.mailCooldownMinutes * 60_000);
	const mayMail =
		(await claimCooldown(db, `mail:${key}`, now.toISOString(), cooldownStart.toISOString())) &&
		(await hitRateLimit(db, `mail-day:${key}`, dayWindow(now), config.limits.mailPerAddressPerDay));
	if (!mayMail) {
		log.info("signup mail throttled");
		return "throttled";
	}

	const subscriber = await upsertSignup(db, {
		email,
		keywords: JSON.stringify(form.keywords),
		manageSalt: deps.random.token(),
		consentAt: now.toISOString(),
		consentIp: request.ip,
		consentUserAgent: request.userAgent?.slice(0, 500) ?? null,
		consentFormVersion: signupFormVersion,
		consentSource: "form",
		timezone: config.timeZone,
	});

	let message: MailMessage;
	let outcome: SubscribeOutcome;
	if (subscriber.status === "pending") {
		const token = await issueConfirmToken(deps, subscriber.id);
		message = confirmationMail(config, {
			to: subscriber.email,
			date: now,
			messageKey: `confirm.${subscriber.id}.${now.getTime()}`,
			confirmUrl: confirmUrl(config, token),
			keywords: JSON.parse(subscriber.keywords) as string[],
			frequency: subscriber.frequency,
			expiresHours: confirmTokenHours,
		});
		outcome = "confirmation_sent";
	} else {
		const token = await ensureManageToken(deps, subscriber);
		message = manageLinkMail(config, {
			to: subscriber.email,
			date: now,
			messageKey: `manage.${subscriber.id}.${now.getTime()}`,
			manageUrl: manageUrl(config, token),
		});
		outcome = "manage_link_sent";
	}
	deps.defer(
		deps.mailer.send(message).then(
			(result) => log.info("signup mail sent", { outcome, messageId: result.messageId }),
			(error: unknown) => log.error("signup mail failed", { outcome, error }),
		),
	);
	return outcome;
}
