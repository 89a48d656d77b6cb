/**
 * Polite HTTP for the paper sources: one request at a time, a descriptive User-Agent, a
 * timeout on every request, and retries with capped, jittered exponential backoff on
 * network errors, 408, 429 and 5xx, waiting at least as long as the server asks
 * (Retry-After in seconds or as a date, or the RateLimit header's reset). `fetch` is
 * injected: Node passes globalThis.fetch, tests pass recorded answers.
 */
import { backoffMs } from "../backoff.ts";
import type { Deps } from "../deps.ts";
import { AppError, isAppError } from "../errors.ts";
import { version } from "../version.ts";

export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

export interface FetchPolicy {
	timeoutMs: number;
	maxAttempts: number;
	/** First retry waits about this long, doubling each time, up to maxDelayMs. */
	baseDelayMs: number;
	maxDelayMs: number;
	/** A server asking for a longer pause than this fails the run instead of stalling it. */
	maxServerWaitMs: number;
	/** A response body larger than this is refused (a page of 200 arXiv results is ~1 MB). */
	maxBytes: number;
}

export const defaultFetchPolicy: FetchPolicy = {
	timeoutMs: 30_000,
	maxAttempts: 4,
	baseDelayMs: 2_000,
	maxDelayMs: 60_000,
	maxServerWaitMs: 5 * 60_000,
	maxBytes: 32 * 1024 * 1024,
};

export type FetchDeps = Pick<Deps, "clock" | "random" | "config" | "log">;

/** What the server answered, when the status is not worth retrying (2xx, 4xx other than 408/429). */
export interface FetchedText {
	status: number;
	text: string;
}

export const userAgent = (baseUrl: string) => `paperboy/${version} (+${baseUrl})`;

const retryableStatus = (status: number) => status === 408 || status === 429 || status >= 500;

export async function fetchText(
	deps: FetchDeps,
	fetch: Fetch,
	url: string,
	options: { accept: string; policy?: FetchPolicy },
): Promise<FetchedText> {
	const policy = options.policy ?? defaultFetchPolicy;
	let problem = "no attempt made";
	for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
		let serverWaitMs: number | undefined;
		try {
			const response = await fetch(url, {
				headers: { "user-agent": userAgent(deps.config.baseUrl), accept: options.accept },
				signal: AbortSignal.timeout(policy.timeoutMs),
			});
			const text = await boundedText(response, policy.maxBytes, url);
			if (!retryableStatus(response.status)) return { status: response.status, text };
			problem = `HTTP ${response.status}`;
			serverWaitMs = requestedWaitMs(response.headers, deps.clock.now());
			if (serverWaitMs !== undefined && serverWaitMs > policy.maxServerWaitMs) {
				const seconds = Math.ceil(serverWaitMs / 1000);
				throw new AppError(
					"unavailable",
					`${new URL(url).host} answered ${problem} and asks to wait ${seconds} s; try again later`,
				);
			}
		} catch (error) {
			if (isAppError(error)) throw error;
			problem = describeNetworkError(error, policy.timeoutMs);
		}
		if (attempt === policy.maxAttempts) break;
		const delayMs = Math.max(
			serverWaitMs ?? 0,
			backoffMs(attempt, policy.baseDelayMs, policy.maxDelayMs, deps.random.unit()),
		);
		deps.log.warn("paper source request failed; retrying", { url, problem, attempt, retryInMs: delayMs });
		await deps.clock.sleep(delayMs);
	}
	throw new AppError("unavailable", `GET ${url} failed after ${policy.maxAttempts} attempts: ${problem}`);
}

/**
 * The body as text, refused (not retried) when it is larger than `maxBytes`: by its
 * Content-Length before reading, or as soon as the stream passes the limit.
 */
async function boundedText(response: Response, maxBytes: number, url: string): Promise<string> {
	const tooLarge = () =>
		new AppError("invalid_payload", `${new URL(url).host} sent more than ${maxBytes / 1024 / 1024} MiB: refused`);
	if (Number(response.headers.get("content-length")) > maxBytes) {
		await response.body?.cancel();
		throw tooLarge();
	}
	if (!response.body) return "";
	const reader = response.body.getReader();
	const decoder = new TextDecoder();
	let size = 0;
	let text = "";
	for (;;) {
		const { done, value } = await reader.read();
		if (done) return text + decoder.decode();
		size += value.byteLength;
		if (size > maxBytes) {
			await reader.cancel();
			throw tooLarge();
		}
		text += decoder.decode(value, { stream: true });
	}
}

/** How long the server asked us to wait: Retry-After (seconds or HTTP date), else RateLimit reset. */
export function requestedWaitMs(headers: Headers, now: Date): number | undefined {
	const retryAfter = headers.get("retry-after")?.trim();
	if (retryAfter) {
		if (/^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
		const at = Date.parse(retryAfter);
		if (!Number.isNaN(at)) return Math.max(0, at - now.getTime());
	}
	// IETF RateLimit fields (Hugging Face sends them with 429): `"policy";r=0;t=42` or RateLimit-Reset: 42.
	const reset =
		/(?:^|[;,\s])t=(\d+)/.exec(headers.get("ratelimit") ?? "")?.[1] ?? headers.get("ratelimit-reset")?.trim();
	return reset && /^\d+$/.test(reset) ? Number(reset) * 1000 : undefined;
}

function describeNetworkError(error: unknown, timeoutMs: number): string {
	if (!(error instanceof Error)) return String(error);
	if (error.name === "TimeoutError" || error.name === "AbortError") return `no answer within ${timeoutMs / 1000} s`;
	const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
	return `${error.message}${cause}`;
}
