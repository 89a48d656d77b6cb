/**
 * What verifying a provider's webhook request concluded. A route answers 401 to every
 * rejection and changes nothing; the reason is for the log, never for the answer's body.
 * Failures that are ours (a certificate we could not fetch, a store that is down) are thrown
 * as AppError("unavailable") instead, so the provider retries.
 */
export type WebhookRejection =
	/** The signature headers (or the Authorization header) are missing. */
	| "unsigned"
	/** The request is not what the provider sends: unreadable headers, JSON or fields. */
	| "malformed"
	/** The signature or credentials do not match. */
	| "bad_signature"
	/** Signed, but its timestamp is outside the tolerance window. */
	| "expired"
	/** Signed and fresh, but this message id was accepted before within the window. */
	| "replayed"
	/** SNS: signed by AWS, but for a topic that is not ours. */
	| "unknown_topic"
	/** SNS: a certificate or subscribe URL that is not an https URL on sns.<region>.amazonaws.com. */
	| "untrusted_url"
	/** SNS: the certificate at the URL cannot be read, or is not valid now. */
	| "untrusted_certificate";

export type Verdict<T> =
	| {
			ok: true;
			value: T;
			/** The key remembered against replays: forget it when handling fails, so a retry is accepted. */
			replayKey: string;
	  }
	| { ok: false; reason: WebhookRejection };

export const reject = (reason: WebhookRejection): { ok: false; reason: WebhookRejection } => ({ ok: false, reason });
