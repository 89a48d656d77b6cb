import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { fromBase64, timingSafeEqual, toBase64 } from "../crypto.ts";
import { AppError } from "../errors.ts";
import type { ReplayStore } from "./replay-store.ts";
import { reject, type Verdict } from "./verdict.ts";

/**
 * Resend signs its webhooks the Svix way (the Standard Webhooks scheme): the headers
 * `svix-id`, `svix-timestamp` (Unix seconds) and `svix-signature`, a space-separated list of
 * `v1,BASE64` signatures, each an HMAC-SHA256 of `id.timestamp.body` under the endpoint's
 * secret (`whsec_` + base64 of the key). More than one signature appears while a secret is
 * being rotated; one match is enough. The `webhook-*` header names are the same scheme.
 *
 * Written here rather than taken from the `svix` package: that package is the whole Svix API
 * client around `standardwebhooks`, whose verify reads the system clock (we inject time) and
 * carries its own SHA-256 next to @noble/hashes (decision 017). The tests sign with
 * `standardwebhooks` itself, so the two must agree.
 */

export interface ResendVerifyOptions {
	/** RESEND_WEBHOOK_SECRET: `whsec_…` as Resend shows it for the endpoint. */
	secret: string;
	now: Date;
	replays: ReplayStore;
	/** How far the signed timestamp may be from `now`; default 5 minutes, as Svix advises. */
	toleranceSeconds?: number;
}

/** Header lookup that takes a Fetch `Headers` or a plain record (Hono's `c.req.header()`), in any case. */
export type HeaderSource = Headers | Readonly<Record<string, string | undefined>>;

function headerOf(headers: HeaderSource, name: string): string | undefined {
	if (headers instanceof Headers) return headers.get(name) ?? undefined;
	const wanted = name.toLowerCase();
	for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
	return undefined;
}

/** The HMAC key of a `whsec_…` secret; throws AppError("config") for anything else. */
export function svixKey(secret: string): Uint8Array {
	const key = fromBase64(secret.trim().replace(/^whsec_/, ""));
	if (!key || key.length < 16) {
		throw new AppError("config", "RESEND_WEBHOOK_SECRET must be the endpoint's signing secret, whsec_ and base64");
	}
	return key;
}

const encoder = new TextEncoder();

/** `v1,BASE64` for `id.timestamp.body`: what the provider puts in the signature header. */
function svixSignature(key: Uint8Array, id: string, timestamp: string, body: Uint8Array): string {
	const head = encoder.encode(`${id}.${timestamp}.`);
	const signed = new Uint8Array(head.length + body.length);
	signed.set(head);
	signed.set(body, head.length);
	return `v1,${toBase64(hmac(sha256, key, signed))}`;
}

/**
 * Checks a Resend webhook request: signature, then timestamp, then replay. `body` is the raw
 * request body, byte for byte (read it with `c.req.arrayBuffer()` or `text()` before any JSON
 * parsing). On success `value` is the parsed event, ready for `resendEventReport`.
 */
export async function verifyResendWebhook(
	headers: HeaderSource,
	body: string | Uint8Array,
	options: ResendVerifyOptions,
): Promise<Verdict<unknown>> {
	const key = svixKey(options.secret);
	const id = headerOf(headers, "svix-id") ?? headerOf(headers, "webhook-id");
	const timestamp = headerOf(headers, "svix-timestamp") ?? headerOf(headers, "webhook-timestamp");
	const signatures = headerOf(headers, "svix-signature") ?? headerOf(headers, "webhook-signature");
	if (!id || !timestamp || !signatures) return reject("unsigned");
	if (!/^\d{1,12}$/.test(timestamp) || id.length > 200) return reject("malformed");

	const bytes = typeof body === "string" ? encoder.encode(body) : body;
	const expected = svixSignature(key, id, timestamp, bytes);
	const matches = signatures
		.split(" ")
		.filter((candidate) => candidate.startsWith("v1,"))
		.map((candidate) => timingSafeEqual(candidate, expected));
	if (!matches.includes(true)) return reject("bad_signature");

	const tolerance = options.toleranceSeconds ?? 300;
	const signedAt = Number(timestamp);
	if (Math.abs(options.now.getTime() / 1000 - signedAt) > tolerance) return reject("expired");

	let event: unknown;
	try {
		event = JSON.parse(new TextDecoder().decode(bytes));
	} catch {
		return reject("malformed");
	}
	const replayKey = `resend:${id}`;
	const fresh = await options.replays.remember(replayKey, new Date((signedAt + tolerance) * 1000), options.now);
	return fresh ? { ok: true, value: event, replayKey } : reject("replayed");
}
