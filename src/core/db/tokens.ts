/** The `tokens` table: hashes of the links we hand out, never the tokens. */
import { sql } from "kysely";
import type { TokenPurpose } from "../subscriptions/link-tokens.ts";
import type { Reader, SignupEvidence } from "../subscriptions/reader.ts";
import type { Db } from "./schema.ts";
import { toReader } from "./subscribers.ts";

export interface NewToken {
	hash: string;
	readerId: number;
	/** The reader's salt the token was made under: a row for a salt since rotated is not written. */
	salt: string;
	purpose: TokenPurpose;
	createdAt: string;
	expiresAt?: string;
	/** A confirm token's signup: the topics and consent evidence the link confirms. */
	signup?: SignupEvidence;
}

/** Rows per statement: they travel as one bound JSON value, so D1's 100-value limit does not apply. */
const rowsPerInsert = 500;

/**
 * Puts tokens on file; existing hashes are kept. Every row is one JSON value in a single
 * bound parameter (one statement whatever the count, also for none), and a row is written
 * only while its reader still has the salt it was made under.
 */
export async function insertTokens(db: Db, tokens: readonly NewToken[]): Promise<void> {
	for (let i = 0; i === 0 || i < tokens.length; i += rowsPerInsert) {
		const rows = tokens.slice(i, i + rowsPerInsert).map((t) => ({
			hash: t.hash,
			readerId: t.readerId,
			salt: t.salt,
			purpose: t.purpose,
			createdAt: t.createdAt,
			expiresAt: t.expiresAt ?? null,
			keywords: t.signup ? JSON.stringify(t.signup.keywords) : null,
			ip: t.signup?.consent.ip ?? null,
			userAgent: t.signup?.consent.userAgent ?? null,
			formVersion: t.signup?.consent.formVersion ?? null,
		}));
		await sql`
			insert into tokens (hash, subscriber_id, purpose, created_at, expires_at,
				signup_keywords, signup_ip, signup_user_agent, signup_form_version)
			select r.value ->> 'hash', s.id, r.value ->> 'purpose', r.value ->> 'createdAt', r.value ->> 'expiresAt',
				r.value ->> 'keywords', r.value ->> 'ip', r.value ->> 'userAgent', r.value ->> 'formVersion'
			from json_each(${JSON.stringify(rows)}) as r
			join subscribers as s on s.id = r.value ->> 'readerId' and s.manage_salt = r.value ->> 'salt'
			where true
			on conflict (hash) do nothing`.execute(db);
	}
}

export interface FoundToken {
	purpose: TokenPurpose;
	expiresAt: string | null;
	usedAt: string | null;
	/** Set for confirm tokens. */
	signup: SignupEvidence | null;
	reader: Reader;
}

/** The token with this hash and one of these purposes, with its reader. */
export async function findToken(
	db: Db,
	hash: string,
	purposes: readonly TokenPurpose[],
): Promise<FoundToken | undefined> {
	const row = await db
		.selectFrom("tokens")
		.innerJoin("subscribers", "subscribers.id", "tokens.subscriber_id")
		.selectAll("subscribers")
		.select([
			"tokens.purpose as token_purpose",
			"tokens.created_at as token_created_at",
			"tokens.expires_at as token_expires_at",
			"tokens.used_at as token_used_at",
			"tokens.signup_keywords",
			"tokens.signup_ip",
			"tokens.signup_user_agent",
			"tokens.signup_form_version",
		])
		.where("tokens.hash", "=", hash)
		.where("tokens.purpose", "in", purposes)
		.executeTakeFirst();
	if (!row) return undefined;
	const {
		token_purpose,
		token_created_at,
		token_expires_at,
		token_used_at,
		signup_keywords,
		signup_ip,
		signup_user_agent,
		signup_form_version,
		...subscriber
	} = row;
	const signup =
		signup_keywords === null
			? null
			: {
					keywords: JSON.parse(signup_keywords) as string[],
					consent: {
						at: token_created_at,
						ip: signup_ip,
						userAgent: signup_user_agent,
						formVersion: signup_form_version ?? "",
						source: "form",
					},
				};
	return {
		purpose: token_purpose,
		expiresAt: token_expires_at,
		usedAt: token_used_at,
		signup,
		reader: toReader(subscriber),
	};
}

export async function markTokenUsed(db: Db, hash: string, at: string): Promise<void> {
	await db.updateTable("tokens").set({ used_at: at }).where("hash", "=", hash).where("used_at", "is", null).execute();
}

/** Expiring tokens (confirm, data) are worthless once expired; keeping them only grows the table. */
export async function deleteExpiredTokens(db: Db, now: string): Promise<number> {
	const result = await db
		.deleteFrom("tokens")
		.where("purpose", "in", ["confirm", "data"])
		.where("expires_at", "<", now)
		.executeTakeFirst();
	return Number(result.numDeletedRows);
}

/** Signs out a reader's links: every token but confirmations and those in `keep` (the new ones). */
export async function deleteLinkTokens(db: Db, readerId: number, keep: readonly string[]): Promise<void> {
	let query = db.deleteFrom("tokens").where("subscriber_id", "=", readerId).where("purpose", "!=", "confirm");
	if (keep.length) query = query.where("hash", "not in", keep);
	await query.execute();
}
