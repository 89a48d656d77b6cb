import { fromBase64, sha256Hex, timingSafeEqual } from "../crypto.ts";

/**
 * Postmark signs nothing: a webhook is authenticated by the user and password written into
 * its URL (`https://USER:PASSWORD@host/path`), which Postmark sends as HTTP Basic auth. So
 * the credentials are the whole protection; they travel only over https.
 *
 * Compared as SHA-256 digests, so the time taken says nothing about how much of a guess was
 * right, nor about the length of the real values. Empty expected credentials match nothing.
 */
export function verifyPostmarkWebhook(
	authorization: string | null | undefined,
	expectedUser: string,
	expectedPassword: string,
): boolean {
	const given = /^Basic[ \t]+([A-Za-z0-9+/=]{1,1024})[ \t]*$/i.exec(authorization ?? "")?.[1];
	if (!given || !expectedUser || !expectedPassword) return false;
	const bytes = fromBase64(given);
	if (!bytes) return false;
	let decoded: string;
	try {
		decoded = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
	} catch {
		return false;
	}
	// RFC 7617: the user-id ends at the first colon; the password may contain colons.
	const colon = decoded.indexOf(":");
	if (colon < 0) return false;
	const userMatches = timingSafeEqual(sha256Hex(decoded.slice(0, colon)), sha256Hex(expectedUser));
	const passwordMatches = timingSafeEqual(sha256Hex(decoded.slice(colon + 1)), sha256Hex(expectedPassword));
	return userMatches && passwordMatches;
}
