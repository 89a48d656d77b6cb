/**
 * Signatures our own forms carry: the manage forms' CSRF field and the signup form's
 * signed render time (instant submissions are bots; day-old ones are replays).
 */
import { hmacBase64Url, timingSafeEqual } from "../crypto.ts";

/** The hidden field that proves a form behind a link (manage, data) was rendered by us for it. */
export const csrfTokenFor = (secret: string, linkToken: string): string => hmacBase64Url(secret, `csrf:${linkToken}`);

export function checkCsrfToken(secret: string, linkToken: string, given: string): boolean {
	return timingSafeEqual(csrfTokenFor(secret, linkToken), given);
}

/** The signup form carries its signed render time, so instant (bot) submissions show. */
export function stampForm(secret: string, now: Date): string {
	const at = String(now.getTime());
	return `${at}.${hmacBase64Url(secret, `form:${at}`)}`;
}

export type StampCheck = "ok" | "too_fast" | "expired" | "invalid";

/** A form left open longer than this is refreshed rather than accepted (replayed stamps). */
export const formStampMaxAgeHours = 24;

export function checkFormStamp(secret: string, stamp: string, now: Date, minSeconds: number): StampCheck {
	const [at, signature] = stamp.split(".");
	if (!at || !signature || !/^\d{1,15}$/.test(at)) return "invalid";
	if (!timingSafeEqual(hmacBase64Url(secret, `form:${at}`), signature)) return "invalid";
	const age = now.getTime() - Number(at);
	if (age < minSeconds * 1000) return "too_fast";
	return age > formStampMaxAgeHours * 3600_000 ? "expired" : "ok";
}
