/**
 * What a bounce, a complaint or a provider's event says, whichever way it arrived: a message
 * to the bounce address (src/node/bounces/parse-report.ts) or a provider's signed webhook
 * (src/core/webhooks/). Whoever acts on reports (suppress, count soft bounces, unsubscribe on
 * a complaint) reads only this shape. docs/bounces.md and docs/webhooks.md describe it.
 */

export type BounceKind = "hard" | "soft" | "complaint" | "not_a_bounce";

export interface BounceRecipient {
	/** As the notice writes it (Final-Recipient, Original-Rcpt-To, …), not normalised. */
	address: string;
	/** RFC 3463 code, e.g. "5.1.1"; X.0.0 when the notice gave only an SMTP reply code or none. */
	status?: string;
	/** RFC 3464 Action, lower-case: failed, delayed. */
	action?: string;
	/** The remote server's words (Diagnostic-Code or the text bounce's line), one line, ≤ 1000 chars. */
	diagnostic?: string;
}

export interface BounceReport {
	kind: BounceKind;
	recipients: BounceRecipient[];
	/**
	 * The delivery token: from our VERP return path (mail to the bounce address), or from the
	 * tag, metadata or header we set when sending (provider webhooks, see delivery-markers.ts).
	 */
	verpToken?: string;
	/** Message-ID of the message the report is about, as `<id>`. */
	originalMessageId?: string;
	/** RFC 5965 Feedback-Type, lower-case (complaints and other feedback reports). */
	feedbackType?: string;
	/** How it was read: a DSN, an ARF report, a known text shape, or a provider's webhook. */
	source: "dsn" | "arf" | "heuristic" | "resend" | "postmark" | "ses";
	/** Webhooks: the provider's own id of the message (Resend email_id, Postmark MessageID, SES messageId). */
	providerMessageId?: string;
}

/**
 * The failure's enhanced status code (RFC 3463) in a diagnostic, else X.0.0 from an SMTP reply
 * code. Only 4.x.x and 5.x.x: a success code quoted in a failure notice is not what happened.
 */
export function statusIn(text: string): string | undefined {
	// Not part of a longer dotted number (an IP address, a version).
	const enhanced = /(?<![\d.])([45]\.\d{1,3}\.\d{1,3})(?![\d.])/.exec(text);
	if (enhanced) return enhanced[1];
	const reply = /(?:^|[\s:(])([45])\d\d(?=[\s:-]|$)/.exec(text);
	return reply ? `${reply[1]}.0.0` : undefined;
}

/** Printable, one line, at most `max` characters: safe to store and show (still escape it). */
export function oneLine(value: string, max = 1000): string {
	return value
		.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ")
		.replace(/\s+/g, " ")
		.trim()
		.slice(0, max);
}

/** A plausible mailbox: something@domain, no spaces, brackets or control characters, not absurdly long. */
const part = String.raw`[^\s<>@()",;:\u0000-\u001f\u007f]+`;
const mailbox = new RegExp(`^${part}@${part}\\.${part}$`);
export const isMailbox = (value: string) => value.length <= 254 && mailbox.test(value);

/** A Message-ID field value as `<id>`, or undefined when there is none to read. */
export function messageIdOf(value: string | undefined): string | undefined {
	if (!value) return undefined;
	const bracketed = /<([^<>\s]{1,500})>/.exec(value);
	const id = bracketed?.[1] ?? value.trim();
	return /^[^\s<>]{1,500}@[^\s<>]+$/.test(id) ? `<${id}>` : undefined;
}

/** Items in order, without a second one for the same address (compared case-insensitively). */
export function distinctAddresses<T>(items: T[], addressOf: (item: T) => string): T[] {
	const seen = new Set<string>();
	return items.filter((item) => {
		const key = addressOf(item).toLowerCase();
		return !seen.has(key) && Boolean(seen.add(key));
	});
}
