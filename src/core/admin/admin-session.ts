/**
 * Signing in to the admin area with ADMIN_TOKEN: a rationed form, then a session cookie
 * whose SHA-256 hash is all the database keeps (docs/decisions/075-admin-sessions.md).
 */
import { clientKey } from "../client-key.ts";
import { hmacBase64Url, sha256Hex, timingSafeEqual } from "../crypto.ts";
import { deleteAdminSession, insertAdminSession, isAdminSessionOpen } from "../db/admin-sessions.ts";
import { hitRateLimit } from "../db/rate-limits.ts";
import type { Deps } from "../deps.ts";
import { tokenPattern } from "../subscriptions/link-tokens.ts";

/** A session lasts a working day; then the operator signs in again. */
export const adminSessionHours = 12;
/** Sign-in attempts per client (IPv6: per /64) in a quarter of an hour, right or wrong. */
export const signInAttemptsPerClient = 5;
/** Sign-in attempts per hour from everywhere: a botnet gets no more tries than that. */
export const signInAttemptsPerHour = 50;

export type SignInOutcome =
	| { result: "signed_in"; session: string; maxAgeSeconds: number }
	| { result: "wrong_token" }
	| { result: "rate_limited" };

const quarterHour = 15 * 60_000;
const hour = 3_600_000;
const windowOf = (now: Date, size: number) => new Date(Math.floor(now.getTime() / size) * size).toISOString();

/**
 * Checks a typed token against ADMIN_TOKEN and opens a session. Every attempt counts
 * against both limits before the token is looked at, so a guess costs the same whether
 * it is right or wrong, and nobody can try faster than the limits allow.
 */
export async function signInAdmin(
	deps: Pick<Deps, "db" | "clock" | "random" | "config" | "log">,
	attempt: { token: string; clientIp: string | null },
): Promise<SignInOutcome> {
	const now = deps.clock.now();
	const client = clientKey(attempt.clientIp) ?? "unknown";
	const withinClient = await hitRateLimit(
		deps.db,
		`admin-sign-in:${client}`,
		windowOf(now, quarterHour),
		signInAttemptsPerClient,
	);
	const withinAll = await hitRateLimit(deps.db, "admin-sign-in", windowOf(now, hour), signInAttemptsPerHour);
	if (!withinClient || !withinAll) {
		deps.log.warn("admin sign-in rate-limited", { client });
		return { result: "rate_limited" };
	}
	const expected = deps.config.adminToken;
	// Hashing both sides first makes the comparison's time independent of the lengths.
	if (!expected || !timingSafeEqual(sha256Hex(attempt.token), sha256Hex(expected))) {
		deps.log.warn("admin sign-in with a wrong token", { client });
		return { result: "wrong_token" };
	}
	const session = deps.random.token();
	const expiresAt = new Date(now.getTime() + adminSessionHours * hour).toISOString();
	await insertAdminSession(deps.db, { hash: sha256Hex(session), at: now.toISOString(), expiresAt });
	deps.log.info("admin signed in", { client });
	return { result: "signed_in", session, maxAgeSeconds: adminSessionHours * 3600 };
}

/** The CSRF field of every admin form: bound to the session, useless without its cookie. */
export const adminCsrfFor = (secret: string, session: string) => hmacBase64Url(secret, `admin-csrf:${session}`);

/** Whether a session cookie is one we issued and still valid. */
export async function adminSessionOpen(deps: Pick<Deps, "db" | "clock">, session: string | undefined) {
	if (!session || !tokenPattern.test(session)) return false;
	return isAdminSessionOpen(deps.db, sha256Hex(session), deps.clock.now().toISOString());
}

/** Whether a posted CSRF field belongs to this session. */
export const adminCsrfValid = (secret: string, session: string, given: string | undefined) =>
	given !== undefined && timingSafeEqual(adminCsrfFor(secret, session), given);

export async function signOutAdmin(deps: Pick<Deps, "db" | "log">, session: string): Promise<void> {
	await deleteAdminSession(deps.db, sha256Hex(session));
	deps.log.info("admin signed out");
}
