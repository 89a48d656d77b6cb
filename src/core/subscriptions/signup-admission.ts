/**
 * The defences a signup passes before anything is recorded or mailed. First the request:
 * the per-network limit (the only one the caller sees) and the bot checks, none of which
 * depends on the address. Then the address: the suppression list, the per-mailbox limits
 * and the hourly cap on signup mail, which always cost the same statements and end in the
 * same neutral answer, so neither the page nor its timing tells who is on file
 * (docs/decisions/031-signup-limits.md).
 */
import { clientKey } from "../client-key.ts";
import { sha256Hex } from "../crypto.ts";
import { addToCounter, claimCooldown, claimOnce, hitRateLimit, releaseCooldown } from "../db/rate-limits.ts";
import { isSuppressed } from "../db/suppressions.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../errors.ts";
import { canonicalMailbox } from "./email.ts";
import type { SubscribeForm } from "./form-schemas.ts";
import { checkFormStamp } from "./form-signatures.ts";

export interface SignupRequest {
	ip: string | null;
	userAgent: string | null;
}

/** Admitted, or why not (silently: the reader sees the same page). */
export type Admission = "admitted" | "bot" | "throttled" | "suppressed" | "capped";

const hourWindow = (now: Date) => now.toISOString().slice(0, 13);
const dayWindow = (now: Date) => now.toISOString().slice(0, 10);

/** The counter of signup mail this hour, and of what the cap dropped (a row the operator can query). */
export const signupMailCounter = "signup-mail";
export const signupMailDroppedCounter = "signup-mail-dropped";

/**
 * The request's own checks. Throws rate_limited (per IPv4 address or IPv6 /64) or expired
 * (a form open for over an hour); returns "bot" for a filled honeypot, a stamp that is
 * missing, forged, too fresh or already used.
 */
export async function screenSignup(
	deps: Pick<Deps, "db" | "config" | "log">,
	form: SubscribeForm,
	request: SignupRequest,
	now: Date,
): Promise<"ok" | "bot"> {
	const { db, config, log } = deps;
	const network = clientKey(request.ip);
	if (network) {
		if (!(await hitRateLimit(db, `subscribe-ip:${network}`, hourWindow(now), config.limits.subscribePerIpPerHour))) {
			throw new AppError("rate_limited", "Too many signups from your network. Please try again in an hour.");
		}
	}
	const stamp = checkFormStamp(config.secret, form.stamp, now, config.limits.minFillSeconds);
	if (stamp.result === "expired" && !form.website) {
		throw new AppError(
			"expired",
			"This form was open for more than an hour, so we refreshed it. Please subscribe again.",
		);
	}
	let reason = form.website ? "honeypot" : stamp.result === "ok" ? undefined : `stamp ${stamp.result}`;
	// One signup per rendered form: a stamp handed around (or posted by another site's
	// visitors) works once.
	if (!reason && stamp.result === "ok" && !(await claimOnce(db, `stamp:${stamp.nonce}`, now.toISOString()))) {
		reason = "stamp used";
	}
	if (!reason) return "ok";
	log.info("signup dropped as automated", { reason });
	return "bot";
}

const cooldownKey = (email: string) => `mail:${sha256Hex(canonicalMailbox(email))}`;

/** Gives the cooldown back when the mail it was claimed for could not even be queued. */
export async function releaseMailCooldown(deps: Pick<Deps, "db">, email: string): Promise<void> {
	await releaseCooldown(deps.db, cooldownKey(email));
}

/**
 * Whether this address may be mailed now. Every address runs the same four statements,
 * whatever its state: the suppression lookup, the per-mailbox cooldown and daily count
 * (keyed by the canonical mailbox, so `a+1@` and `a.b@gmail` variants share them, and
 * hashed, so they outlive a reader who deletes their data), and the hourly cap, which
 * counts only mail that would go out.
 */
export async function admitAddress(
	deps: Pick<Deps, "db" | "config" | "log">,
	email: string,
	now: Date,
): Promise<Admission> {
	const { db, config, log } = deps;
	const suppressed = await isSuppressed(db, email);
	const key = sha256Hex(canonicalMailbox(email));
	const cooldownStart = new Date(now.getTime() - config.limits.mailCooldownMinutes * 60_000);
	const cooled = await claimCooldown(db, cooldownKey(email), now.toISOString(), cooldownStart.toISOString());
	const mailedToday = await addToCounter(db, `mail-day:${key}`, dayWindow(now), cooled && !suppressed ? 1 : 0);
	const wanted = !suppressed && cooled && mailedToday <= config.limits.mailPerAddressPerDay;
	const mailedThisHour = await addToCounter(db, signupMailCounter, hourWindow(now), wanted ? 1 : 0);
	if (suppressed) return "suppressed";
	if (!wanted) {
		log.info("signup mail throttled");
		return "throttled";
	}
	if (mailedThisHour > config.limits.signupMailPerHour) {
		const dropped = await addToCounter(db, signupMailDroppedCounter, hourWindow(now), 1);
		if (dropped === 1) {
			log.error("signup mail cap reached: further signup mail this hour is dropped (SIGNUP_MAIL_PER_HOUR)", {
				cap: config.limits.signupMailPerHour,
				hour: hourWindow(now),
			});
		}
		return "capped";
	}
	return "admitted";
}
