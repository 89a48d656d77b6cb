/**
 * The links we mail, one purpose each (docs/decisions/030-one-purpose-per-link.md):
 * a random single-use confirmation token that carries its signup, a random short-lived
 * data token, and the reader's long-lived links, derived rather than stored
 * (docs/decisions/001-derived-manage-tokens.md). The database keeps only SHA-256 hashes.
 */
import { hmacBase64Url, sha256Hex } from "../crypto.ts";
import { insertTokens, type NewToken } from "../db/tokens.ts";
import type { Deps } from "../deps.ts";
import type { Reader, SignupEvidence } from "./reader.ts";

/** Every purpose a token can have; the table's CHECK constraint lists the same. */
export const tokenPurposes = ["confirm", "unsubscribe", "manage", "data", "feedback", "feed"] as const;
export type TokenPurpose = (typeof tokenPurposes)[number];

/**
 * Long-lived links derived from the reader's salt, each opening one thing: the unsubscribe
 * page and one-click (headers, footers), the manage page (the body of a mail), votes on a
 * digest's papers, the reader's feed. Rotating the salt changes all of them at once.
 */
export const derivedPurposes = ["unsubscribe", "manage", "feedback", "feed"] as const;
export type DerivedPurpose = (typeof derivedPurposes)[number];

/** The derived links every digest carries; a feature that mails another adds it here. */
export const digestPurposes: readonly DerivedPurpose[] = ["unsubscribe", "manage", "feedback"];

export type TokenOwner = Pick<Reader, "id" | "manageSalt">;

export const confirmTokenHours = 48;
/** The data link is mailed on request and opens export and delete for this long. */
export const dataTokenMinutes = 60;

/** Tokens travel in URL paths: 43 base64url characters (32 bytes). */
export const tokenPattern = /^[A-Za-z0-9_-]{43}$/;

export const hashToken = (token: string): string => sha256Hex(token);

/**
 * A derived link: an HMAC of its purpose, the reader's id and random salt under SECRET.
 * Neither the database alone nor SECRET alone yields it. (`link:` keeps these apart from
 * the single manage token of old, `manage:id:salt`, which now only unsubscribes.)
 */
export function linkTokenFor(secret: string, purpose: DerivedPurpose, reader: TokenOwner): string {
	return hmacBase64Url(secret, `link:${purpose}:${reader.id}:${reader.manageSalt}`);
}

/** The row that puts a derived link on file for a reader. */
export function derivedTokenRow(
	secret: string,
	purpose: DerivedPurpose,
	reader: TokenOwner,
	createdAt: string,
): NewToken & { token: string } {
	const token = linkTokenFor(secret, purpose, reader);
	return { token, hash: hashToken(token), readerId: reader.id, salt: reader.manageSalt, purpose, createdAt };
}

/** A random token with a life of its own (confirm, data); the row carries only its hash. */
function randomTokenRow(
	deps: Pick<Deps, "random" | "clock">,
	reader: TokenOwner,
	purpose: "confirm" | "data",
	lifeMs: number,
	signup?: SignupEvidence,
): NewToken & { token: string } {
	const token = deps.random.token();
	const now = deps.clock.now();
	return {
		token,
		hash: hashToken(token),
		readerId: reader.id,
		salt: reader.manageSalt,
		purpose,
		createdAt: now.toISOString(),
		expiresAt: new Date(now.getTime() + lifeMs).toISOString(),
		signup,
	};
}

/** A single-use confirmation token that carries the signup it confirms. */
export const confirmTokenRow = (deps: Pick<Deps, "random" | "clock">, reader: TokenOwner, signup: SignupEvidence) =>
	randomTokenRow(deps, reader, "confirm", confirmTokenHours * 3600_000, signup);

/** A short-lived token for the data page (export, delete), mailed on request. */
export const dataTokenRow = (deps: Pick<Deps, "random" | "clock">, reader: TokenOwner) =>
	randomTokenRow(deps, reader, "data", dataTokenMinutes * 60_000);

/**
 * Makes sure the readers' derived links for `purposes` are on file before mail carrying
 * them goes out (one statement per 500 readers). A reader whose salt changed meanwhile
 * ("sign out other links") gets nothing: the old links stay signed out.
 */
export async function ensureLinkTokens(
	deps: Pick<Deps, "db" | "config" | "clock">,
	readers: readonly TokenOwner[],
	purposes: readonly DerivedPurpose[] = digestPurposes,
): Promise<void> {
	const at = deps.clock.now().toISOString();
	await insertTokens(
		deps.db,
		readers.flatMap((r) => purposes.map((p) => derivedTokenRow(deps.config.secret, p, r, at))),
	);
}

/** One derived link of one reader, on file. */
export async function ensureLinkToken(
	deps: Pick<Deps, "db" | "config" | "clock">,
	reader: TokenOwner,
	purpose: DerivedPurpose,
): Promise<string> {
	const row = derivedTokenRow(deps.config.secret, purpose, reader, deps.clock.now().toISOString());
	await insertTokens(deps.db, [row]);
	return row.token;
}
