import { hmacBase64Url, sha256Hex, timingSafeEqual } from "../crypto.ts";
import type { SubscriberRow } from "../db/schema.ts";
import { insertManageTokens, insertToken } from "../db/tokens.ts";
import type { Deps } from "../deps.ts";

export const confirmTokenHours = 48;

/** Tokens travel in URL paths: 43 base64url characters (32 bytes). */
export const tokenPattern = /^[A-Za-z0-9_-]{43}$/;

export const hashToken = (token: string): string => sha256Hex(token);

/** A fresh single-use confirmation token; only its hash is stored. */
export async function issueConfirmToken(deps: Deps, subscriberId: number): Promise<string> {
	const token = deps.random.token();
	const now = deps.clock.now();
	await insertToken(deps.db, {
		hash: hashToken(token),
		subscriberId,
		purpose: "confirm",
		createdAt: now.toISOString(),
		expiresAt: new Date(now.getTime() + confirmTokenHours * 3600_000).toISOString(),
	});
	return token;
}

/**
 * The reader's manage (and unsubscribe) token. It is derived, not stored: an HMAC of
 * the reader's id and random salt under SECRET, so every email can carry it while the
 * database keeps only its hash. Neither the database alone nor SECRET alone yields it.
 */
export function manageTokenFor(secret: string, subscriber: Pick<SubscriberRow, "id" | "manage_salt">): string {
	return hmacBase64Url(secret, `manage:${subscriber.id}:${subscriber.manage_salt}`);
}

/** Derives the manage token and makes sure its hash is on file. Idempotent. */
export async function ensureManageToken(
	deps: Deps,
	subscriber: Pick<SubscriberRow, "id" | "manage_salt">,
): Promise<string> {
	const token = manageTokenFor(deps.config.secret, subscriber);
	await insertToken(deps.db, {
		hash: hashToken(token),
		subscriberId: subscriber.id,
		purpose: "manage",
		createdAt: deps.clock.now().toISOString(),
		expiresAt: null,
	});
	return token;
}

/**
 * Makes sure every reader's manage token is on file before mail carrying it goes out, so
 * the unsubscribe link in an email always resolves. One statement per 500 readers.
 */
export async function ensureManageTokens(
	deps: Pick<Deps, "db" | "config" | "clock">,
	readers: readonly Pick<SubscriberRow, "id" | "manage_salt">[],
): Promise<void> {
	const tokens = readers.map((r) => ({ hash: hashToken(manageTokenFor(deps.config.secret, r)), subscriberId: r.id }));
	await insertManageTokens(deps.db, tokens, deps.clock.now().toISOString());
}

/** The hidden field that proves a manage form was rendered by us for this token. */
export const csrfTokenFor = (secret: string, manageToken: string): string =>
	hmacBase64Url(secret, `csrf:${manageToken}`);

export function checkCsrfToken(secret: string, manageToken: string, given: string): boolean {
	return timingSafeEqual(csrfTokenFor(secret, manageToken), given);
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
