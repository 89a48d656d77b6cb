import { sha256Hex } from "../crypto.ts";
import { AppError } from "../errors.ts";
import { resendDeliveryTags } from "../webhooks/delivery-markers.ts";
import { relayUnreachable } from "./circuit-breaker.ts";
import { rfc5322Date } from "./compose-message.ts";
import type { Mailer, MailMessage, SendResult } from "./mailer.ts";

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
	return { send: (message) => sendOne(options, message) };
}

async function sendOne(options: HttpMailOptions, message: MailMessage): Promise<SendResult> {
	const response = await post(options, "/emails", toResend(message), message.messageId.replace(/^<|>$/g, ""));
	const body = await response.text().catch(() => "");
	if (!response.ok) throw refusal(response, body);
	return { messageId: message.messageId, response: `${response.status} ${apiMessageId(body) ?? body.slice(0, 200)}` };
}

export interface BatchingOptions extends HttpMailOptions {
	/** Messages per request at most (Resend: 100). */
	maxBatch: number;
	/** How long the first message waits for others to join its request. */
	lingerMs: number;
	/** Requests per second at most (0: no limit): providers count a batch as one request. */
	requestsPerSecond: number;
}

/**
 * Resend's batch endpoint (POST /emails/batch, up to 100 messages a request) behind the
 * Mailer port: messages handed to send() within `lingerMs` of each other leave in one
 * request, and each send() settles with its own message's result. The Idempotency-Key is
 * derived from the batch's Message-IDs, so a request retried after a lost response is not
 * sent twice. Validation is permissive: a message the API refuses fails alone (a 4xx
 * for that message), the rest go out. A batch refused as a whole (a 400 or 422) goes out
 * one message at a time, so one bad message costs only itself.
 */
export function createBatchingHttpMailer(options: BatchingOptions): Mailer {
	type Waiting = { message: MailMessage; resolve: (r: SendResult) => void; reject: (e: unknown) => void };
	const waiting: Waiting[] = [];
	let timer: ReturnType<typeof setTimeout> | undefined;
	const gapMs = options.requestsPerSecond > 0 ? 1000 / options.requestsPerSecond : 0;
	let nextRequestAt = 0;
	const flush = () => {
		if (timer !== undefined) clearTimeout(timer);
		timer = undefined;
		const batch = waiting.splice(0, options.maxBatch);
		if (waiting.length) timer = setTimeout(flush, 0);
		if (!batch.length) return;
		const at = Math.max(Date.now(), nextRequestAt);
		nextRequestAt = at + gapMs;
		const go = async () => {
			if (at > Date.now()) await new Promise((ok) => setTimeout(ok, at - Date.now()));
			const results = await sendBatch(
				options,
				batch.map((w) => w.message),
			);
			results.forEach((result, i) => {
				const w = batch[i] as Waiting;
				if (result instanceof Error) w.reject(result);
				else w.resolve(result);
			});
		};
		go().catch((error: unknown) => {
			for (const w of batch) w.reject(error);
		});
	};
	return {
		batchSize: options.maxBatch,
		send(message) {
			return new Promise<SendResult>((resolve, reject) => {
				waiting.push({ message, resolve, reject });
				if (waiting.length >= options.maxBatch) flush();
				else timer ??= setTimeout(flush, options.lingerMs);
			});
		},
		async close() {
			if (waiting.length) flush();
		},
	};
}

/** One batch request; per message its result or its error. Throws what fails them all. */
async function sendBatch(options: HttpMailOptions, messages: MailMessage[]): Promise<(SendResult | Error)[]> {
	if (messages.length === 1) {
		const [only] = messages as [MailMessage];
		return [await sendOne(options, only)];
	}
	const ids = messages.map((m) => m.messageId).join(" ");
	const response = await post(options, "/emails/batch", messages.map(toResend), `batch/${sha256Hex(ids)}`, {
		"x-batch-validation": "permissive",
	});
	const body = await response.text().catch(() => "");
	if (response.status === 400 || response.status === 422) {
		return Promise.all(messages.map((m) => sendOne(options, m).catch((error: unknown) => error as Error)));
	}
	if (!response.ok) throw refusal(response, body);
	const parsed = parseBatchAnswer(body);
	const refused = new Map(parsed.errors.map((e) => [e.index, e.message]));
	let next = 0;
	return messages.map((message, index) => {
		const why = refused.get(index);
		if (why !== undefined) return new AppError("rejected", `mail API refused the message: ${why}`);
		const id = parsed.data[next++]?.id;
		return { messageId: message.messageId, response: `${response.status} ${id ?? "(no id)"}` };
	});
}

function parseBatchAnswer(body: string): { data: { id?: string }[]; errors: { index: number; message: string }[] } {
	try {
		const parsed = JSON.parse(body) as { data?: unknown; errors?: unknown };
		return {
			data: Array.isArray(parsed.data) ? (parsed.data as { id?: string }[]) : [],
			errors: Array.isArray(parsed.errors) ? (parsed.errors as { index: number; message: string }[]) : [],
		};
	} catch {
		return { data: [], errors: [] };
	}
}

async function post(
	options: HttpMailOptions,
	path: string,
	body: unknown,
	idempotencyKey: string,
	headers: Record<string, string> = {},
): Promise<Response> {
	try {
		return await (options.fetch ?? fetch)(`${options.apiUrl}${path}`, {
			method: "POST",
			headers: {
				authorization: `Bearer ${options.token}`,
				"content-type": "application/json",
				"idempotency-key": idempotencyKey,
				"user-agent": "paperboy",
				...headers,
			},
			body: JSON.stringify(body),
			signal: AbortSignal.timeout(options.timeoutMs),
		});
	} catch (error) {
		throw relayUnreachable(
			new AppError("unavailable", `mail API unreachable: ${describe(error)}`, {}, { cause: error }),
		);
	}
}

/** The error for an answer that is not a success. */
function refusal(response: Response, body: string): AppError {
	const detail = `mail API answered ${response.status}: ${apiError(body)}`;
	if (response.status === 429) {
		// Too fast for the provider: not the reader's fault, and it says when to come back.
		const retryAfterSeconds = retryAfter(response.headers.get("retry-after"));
		return new AppError("rate_limited", detail, {}, { cause: { retryAfterSeconds } });
	}
	return new AppError(isPermanent(response.status) ? "rejected" : "unavailable", detail);
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
