import type { SenderState } from "./circuit-breaker.ts";

/** A message ready for the wire. Adapters (SMTP, .eml files, HTTP APIs) only transport it. */
export interface MailMessage {
	from: string;
	to: string;
	subject: string;
	text: string;
	html: string;
	/** Full Message-ID including angle brackets, on the sending domain. */
	messageId: string;
	date: Date;
	/** Extra headers, e.g. List-Unsubscribe, List-Id, Auto-Submitted. */
	headers: Record<string, string>;
	/** The envelope sender (MAIL FROM) when it is not From's address: the VERP bounce address. */
	returnPath?: string;
	/** The delivery a digest is (its token): the HTTP API tags the message with it. */
	deliveryToken?: string;
}

export interface SendResult {
	messageId: string;
	/** What the server said, e.g. "250 2.0.0 Ok: queued", or the file written. */
	response: string;
}

/**
 * Adapters throw AppError("rejected", serverResponse) for a permanent refusal (5xx) and
 * AppError("unavailable", …) for anything worth retrying (4xx, connection errors).
 */
export interface Mailer {
	send(message: MailMessage): Promise<SendResult>;
	/** Waits for nothing new: closes connections once the messages in flight are done. */
	close?(): Promise<void>;
	/** Drops every connection now (a stop that cannot wait): messages in flight fail, temporarily. */
	abort?(): void;
	/** Whether sending is paused because the relay is unreachable (see circuit-breaker.ts). */
	state?(): SenderState;
	/**
	 * Messages one request carries (a provider's batch endpoint): a sender keeps this many
	 * in flight, so they leave together. Undefined: one message per request or connection.
	 */
	batchSize?: number;
}

/** How long a provider that answered "too many requests" asked us to wait, if that is the error. */
export function retryAfterSeconds(error: unknown): number | undefined {
	if (!(error instanceof Error) || !("code" in error) || error.code !== "rate_limited") return undefined;
	const cause = error.cause as { retryAfterSeconds?: unknown } | undefined;
	return typeof cause?.retryAfterSeconds === "number" ? cause.retryAfterSeconds : undefined;
}
