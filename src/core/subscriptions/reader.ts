/**
 * The reader: the person who subscribed. "Reader" is the one word code uses for them
 * (docs/decisions/007-reader-is-the-word.md); `subscribers` stays the table's name.
 */

export const readerStatuses = ["pending", "active", "paused", "unsubscribed"] as const;
export type ReaderStatus = (typeof readerStatuses)[number];

export const frequencies = ["weekly", "daily"] as const;
export type Frequency = (typeof frequencies)[number];

/** What a reader agreed to, when and from where: kept for as long as the reader is. */
export interface Consent {
	at: string;
	ip: string | null;
	userAgent: string | null;
	/** Which wording of the form (or which import) the reader agreed to. */
	formVersion: string;
	/** "form" or "import". */
	source: string;
}

export interface Reader {
	id: number;
	email: string;
	status: ReaderStatus;
	/** The keywords as the reader typed them, one topic each. */
	keywords: string[];
	frequency: Frequency;
	timezone: string;
	/** Random per-reader salt every derived link is made from (link-tokens.ts); rotating it signs them all out. */
	manageSalt: string;
	consent: Consent;
	confirmedAt: string | null;
	/** Where the confirmation link was clicked from. */
	confirmedIp: string | null;
	confirmedUserAgent: string | null;
	unsubscribedAt: string | null;
	createdAt: string;
	updatedAt: string;
}

/** What composing a reader's digest needs: every Reader is one. */
export type DigestReader = Pick<Reader, "id" | "email" | "keywords" | "frequency" | "manageSalt">;

/** A signup as recorded, from the form (pending) or an import (active). */
export interface Signup {
	email: string;
	keywords: readonly string[];
	manageSalt: string;
	consent: Consent;
	timezone: string;
}

/**
 * What a confirmation link confirms: the topics and consent evidence of the signup that
 * mailed it, kept with the link so a later signup for the same address cannot change it.
 */
export interface SignupEvidence {
	keywords: readonly string[];
	consent: Consent;
}
