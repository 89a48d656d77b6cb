// Web Crypto only (global in Node >= 20 and in workerd), so core stays runtime-free.
const encoder = new TextEncoder();

export const toHex = (bytes: ArrayBuffer | Uint8Array): string =>
	Array.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join(
		"",
	);

export const toBase64Url = (bytes: Uint8Array): string => {
	let binary = "";
	for (const b of bytes) binary += String.fromCharCode(b);
	return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
};

export async function sha256Hex(text: string): Promise<string> {
	return toHex(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

const hmacKeys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
	let key = hmacKeys.get(secret);
	if (!key) {
		key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
		hmacKeys.set(secret, key);
	}
	return key;
}

export async function hmacBase64Url(secret: string, message: string): Promise<string> {
	const signature = await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(message));
	return toBase64Url(new Uint8Array(signature));
}

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
