/**
 * Hashes with @noble/hashes (audited, pure JS, the same on Node and workerd). Web
 * Crypto would do too, but its async calls cost ~70 µs each on Node against ~5-12 µs
 * here, and a signup or a digest needs several.
 */
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";

const encoder = new TextEncoder();

export const toBase64 = (bytes: Uint8Array): string => {
	let binary = "";
	for (const b of bytes) binary += String.fromCharCode(b);
	return btoa(binary);
};

export const toBase64Url = (bytes: Uint8Array): string =>
	toBase64(bytes).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

/** Standard base64 (whitespace ignored) to bytes; undefined when it is not base64. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
	try {
		return Uint8Array.from(atob(text.replace(/\s+/g, "")), (c) => c.charCodeAt(0));
	} catch {
		return undefined;
	}
}

export const sha256Hex = (text: string): string => bytesToHex(sha256(encoder.encode(text)));

export const hmacBase64Url = (secret: string, message: string): string =>
	toBase64Url(hmac(sha256, encoder.encode(secret), encoder.encode(message)));

/** Compares two strings in time that depends only on their length. */
export function timingSafeEqual(a: string, b: string): boolean {
	if (a.length !== b.length) return false;
	let diff = 0;
	for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
	return diff === 0;
}

/** 32 random bytes, base64url: the shape of every token we hand out. */
export function randomToken(): string {
	return toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}
