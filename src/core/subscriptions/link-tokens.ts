/**
 * The links we mail: a random single-use confirmation token, and the reader's manage
 * (and unsubscribe) token, derived rather than stored (docs/decisions/001-derived-manage-tokens.md).
 * The database keeps only their SHA-256 hashes.
 */
import { hmacBase64Url, sha256Hex } from "../crypto.ts";
import { insertManageTokens, insertToken } from "../db/tokens.ts";
import type { Deps } from "../deps.ts";
import type { Reader } from "./reader.ts";

type TokenOwner = Pick<Reader, "id" | "manageSalt">;

export const confirmTokenHours = 48;

/** Tokens travel in URL paths: 43 base64url characters (32 bytes). */
export const tokenPattern = /^[A-Za-z0-9_-]{43}$/;

export const hashToken = (token: string): string => sha256Hex(token);

/** A fresh single-use confirmation token; only its hash is stored. */
export async function issueConfirmToken(deps: Deps, readerId: number): Promise<string> {
	const token = deps.random.token();
	const now = deps.clock.now();
	await insertToken(deps.db, {
		hash: hashToken(token),
		readerId,
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
export function manageTokenFor(secret: string, reader: TokenOwner): string {
	return hmacBase64Url(secret, `manage:${reader.id}:${reader.manageSalt}`);
}

/** Derives the manage token and makes sure its hash is on file. Idempotent. */
export async function ensureManageToken(deps: Deps, reader: TokenOwner): Promise<string> {
	const token = manageTokenFor(deps.config.secret, reader);
	await insertToken(deps.db, {
		hash: hashToken(token),
		readerId: reader.id,
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
	readers: readonly TokenOwner[],
): Promise<void> {
	const tokens = readers.map((r) => ({ hash: hashToken(manageTokenFor(deps.config.secret, r)), readerId: r.id }));
	await insertManageTokens(deps.db, tokens, deps.clock.now().toISOString());
}
