import { AppError } from "../errors.ts";
import { resendDeliveryTags } from "../webhooks/delivery-markers.ts";
import { relayUnreachable } from "./circuit-breaker.ts";
import { rfc5322Date } from "./compose-message.ts";
import type { Mailer, MailMessage } from "./mailer.ts";

export interface HttpMailOptions {
	/** MAIL_API_URL: https://api.resend.com, or a local stand-in in tests. */
	apiUrl: string;
	token: string;
	timeoutMs: number;
	fetch?: typeof fetch;
}

/**
 * Resend's HTTP API (POST /emails) behind the Mailer port. The Idempotency-Key is our
 * Message-ID, which stays the same across retries of one delivery: if a response is
 * lost after Resend accepted the message, the retry returns the first result instead of
 * sending it twice.
 */
export function createHttpMailer(options: HttpMailOptions): Mailer {
	const send = options.fetch ?? fetch;
	return {
		async send(message: MailMessage) {
			let response: Response;
			try {
				response = await send(`${options.apiUrl}/emails`, {
					method: "POST",
					headers: {
						authorization: `Bearer ${options.token}`,
						"content-type": "application/json",
						"idempotency-key": message.messageId.replace(/^<|>$/g, ""),
						"user-agent": "paperboy",
					},
					body: JSON.stringify(toResend(message)),
					signal: AbortSignal.timeout(options.timeoutMs),
				});
			} catch (error) {
				throw relayUnreachable(
					new AppError("unavailable", `mail API unreachable: ${describe(error)}`, {}, { cause: error }),
				);
			}
			const body = await response.text().catch(() => "");
			if (response.ok) {
				return {
					messageId: message.messageId,
					response: `${response.status} ${apiMessageId(body) ?? body.slice(0, 200)}`,
				};
			}
			const detail = `mail API answered ${response.status}: ${apiError(body)}`;
			if (response.status === 429) {
				// Too fast for the provider: not the reader's fault, and it says when to come back.
				const retryAfterSeconds = retryAfter(response.headers.get("retry-after"));
				throw new AppError("rate_limited", detail, {}, { cause: { retryAfterSeconds } });
			}
			throw new AppError(isPermanent(response.status) ? "rejected" : "unavailable", detail);
		},
	};
}

function toResend(message: MailMessage) {
	return {
		from: message.from,
		to: [message.to],
		subject: message.subject,
		text: message.text,
		html: message.html,
		headers: {
			...message.headers,
			"Message-ID": message.messageId,
			Date: rfc5322Date(message.date),
		},
		// Resend's webhooks echo tags back: the delivery a bounce or complaint is about.
		...(message.deliveryToken ? { tags: resendDeliveryTags(message.deliveryToken) } : {}),
	};
}

/**
 * 400 and 422 say this message cannot be sent as it is (an invalid address, say).
 * 401/403 (key), 404 (URL), 409 (a concurrent request with the same key) and 5xx are
 * about the service or our settings: retry, do not drop the reader. 429 (rate or quota)
 * is retried after its Retry-After, and does not count as an attempt.
 */
const isPermanent = (status: number) => status === 400 || status === 413 || status === 422;

function apiMessageId(body: string): string | undefined {
	try {
		const id = (JSON.parse(body) as { id?: unknown }).id;
		return typeof id === "string" ? id : undefined;
	} catch {
		return undefined;
	}
}

function apiError(body: string): string {
	try {
		const parsed = JSON.parse(body) as { name?: unknown; message?: unknown };
		if (typeof parsed.message === "string") {
			return typeof parsed.name === "string" ? `${parsed.name}: ${parsed.message}` : parsed.message;
		}
	} catch {
		// Not JSON (a proxy's error page): show its start.
	}
	return body.slice(0, 200) || "(empty body)";
}

/** Retry-After as seconds (RFC 9110: a number of seconds or an HTTP date); 60 when absent or unreadable. */
function retryAfter(value: string | null): number {
	if (value === null) return 60;
	const seconds = /^\d+$/.test(value.trim()) ? Number(value.trim()) : (Date.parse(value) - Date.now()) / 1000;
	return Number.isFinite(seconds) ? Math.min(3600, Math.max(1, Math.ceil(seconds))) : 60;
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
