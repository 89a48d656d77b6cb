/**
 * Signatures our own forms carry: the CSRF field of forms behind a link, and the signup
 * form's stamp (its signed render time and a nonce: instant submissions are bots, old or
 * reused stamps replays).
 */
import { hmacBase64Url, timingSafeEqual } from "../crypto.ts";

/** The hidden field that proves a form behind a link (manage, data) was rendered by us for it. */
export const csrfTokenFor = (secret: string, linkToken: string): string => hmacBase64Url(secret, `csrf:${linkToken}`);

export function checkCsrfToken(secret: string, linkToken: string, given: string): boolean {
	return timingSafeEqual(csrfTokenFor(secret, linkToken), given);
}

/**
 * The signup form carries its signed render time and a random nonce: instant (bot)
 * submissions show, and the nonce makes each rendered form good for one signup.
 */
export function stampForm(secret: string, now: Date, nonce: string): string {
	const at = String(now.getTime());
	return `${at}.${nonce}.${hmacBase64Url(secret, `form:${at}:${nonce}`)}`;
}

export type StampCheck = { result: "ok"; nonce: string } | { result: "too_fast" | "expired" | "invalid" };

/** A form left open longer than this is refreshed rather than accepted (replayed stamps). */
export const formStampMaxAgeMinutes = 60;

/** Checks a stamp's signature and age; whether it was used before is the caller's to ask. */
export function checkFormStamp(secret: string, stamp: string, now: Date, minSeconds: number): StampCheck {
	const [at, nonce, signature, ...rest] = stamp.split(".");
	if (!at || !nonce || !signature || rest.length || !/^\d{1,15}$/.test(at) || !/^[\w-]{1,43}$/.test(nonce)) {
		return { result: "invalid" };
	}
	if (!timingSafeEqual(hmacBase64Url(secret, `form:${at}:${nonce}`), signature)) return { result: "invalid" };
	const age = now.getTime() - Number(at);
	if (age < minSeconds * 1000) return { result: "too_fast" };
	return age > formStampMaxAgeMinutes * 60_000 ? { result: "expired" } : { result: "ok", nonce };
}
