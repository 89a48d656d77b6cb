/**
 * The defences a signup passes before anything is recorded or mailed: the per-IP limit
 * (the only one the caller sees), the bot checks, the suppression list and the
 * per-address mail limits. Everything but the per-IP limit ends in the same neutral
 * answer, so nobody can learn who subscribed.
 */
import { sha256Hex } from "../crypto.ts";
import { claimCooldown, hitRateLimit } from "../db/rate-limits.ts";
import { isSuppressed } from "../db/suppressions.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../errors.ts";
import type { SubscribeForm } from "./form-schemas.ts";
import { checkFormStamp } from "./form-signatures.ts";

export interface SignupRequest {
	ip: string | null;
	userAgent: string | null;
}

/** Admitted, or why not (silently: the reader sees the same page). */
export type Admission = "admitted" | "bot" | "throttled" | "suppressed";

const hourWindow = (now: Date) => now.toISOString().slice(0, 13);
const dayWindow = (now: Date) => now.toISOString().slice(0, 10);

/** Throws rate_limited (per IP) or expired (a form open for over a day); otherwise says whether to go on. */
export async function admitSignup(
	deps: Pick<Deps, "db" | "config" | "log">,
	form: SubscribeForm,
	request: SignupRequest,
	now: Date,
): Promise<Admission> {
	const { db, config, log } = deps;
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
	if (await isSuppressed(db, form.email)) return "suppressed";

	// At most one mail per address per cooldown, and a few a day, whoever asks from where.
	// Keyed by a hash: the counters outlive a reader who deletes their data.
	const key = sha256Hex(form.email.toLowerCase());
	const cooldownStart = new Date(now.getTime() - config.limits.mailCooldownMinutes * 60_000);
	const mayMail =
		(await claimCooldown(db, `mail:${key}`, now.toISOString(), cooldownStart.toISOString())) &&
		(await hitRateLimit(db, `mail-day:${key}`, dayWindow(now), config.limits.mailPerAddressPerDay));
	if (!mayMail) {
		log.info("signup mail throttled");
		return "throttled";
	}
	return "admitted";
}
