import { AppError } from "../errors.ts";
import { type CertificateFacts, readCertificate } from "./x509-certificate.ts";

/**
 * The signing certificates of Amazon SNS, fetched from the message's SigningCertURL and
 * kept: SNS signs with the same certificate for months, and a new one gets a new URL.
 *
 * A certificate is trusted because of where it comes from: an https URL on
 * `sns.<region>.amazonaws.com` (checked again here, before anything is fetched), whose TLS
 * certificate the runtime's fetch verifies. Its validity period is checked at each use.
 */

export type SnsHash = "SHA-1" | "SHA-256";

export interface SnsCertificates {
	/**
	 * The public key to verify `hash` signatures with, or undefined when the URL is not an SNS
	 * certificate URL, or the certificate cannot be read or is not valid at `now`. Throws
	 * AppError("unavailable") when fetching it failed in a way worth retrying.
	 */
	signingKey(url: string, hash: SnsHash, now: Date): Promise<CryptoKey | undefined>;
}

export interface SnsCertificateOptions {
	/** Injectable for tests; the runtime's fetch by default. */
	fetch?: typeof fetch;
	timeoutMs?: number;
	/** Certificates kept at most (each a few KiB); the oldest goes first. */
	maxEntries?: number;
}

const snsHost = /^sns\.[a-z0-9-]+\.amazonaws\.com$/;

/** An https URL on sns.<region>.amazonaws.com, default port, no user info: where SNS's URLs point. */
export function isSnsUrl(value: string): boolean {
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		return false;
	}
	return url.protocol === "https:" && snsHost.test(url.hostname) && !url.port && !url.username && !url.password;
}

const isSnsCertificateUrl = (value: string) => isSnsUrl(value) && new URL(value).pathname.endsWith(".pem");

const maxCertificateBytes = 64 * 1024;

interface Entry {
	facts: Promise<CertificateFacts | undefined>;
	keys: Map<SnsHash, Promise<CryptoKey | undefined>>;
}

export function createSnsCertificates(options: SnsCertificateOptions = {}): SnsCertificates {
	const fetchFn = options.fetch ?? fetch;
	const timeoutMs = options.timeoutMs ?? 5000;
	const maxEntries = options.maxEntries ?? 16;
	const entries = new Map<string, Entry>();

	async function load(url: string): Promise<CertificateFacts | undefined> {
		let response: Response;
		try {
			// No redirects: the certificate must come from the URL that was checked.
			response = await fetchFn(url, { redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
		} catch (error) {
			throw new AppError("unavailable", `SNS signing certificate unreachable: ${url}`, {}, { cause: error });
		}
		if (response.status >= 500 || response.status === 429) {
			throw new AppError("unavailable", `SNS signing certificate: ${url} answered ${response.status}`);
		}
		// Bytes, not text(): AWS labels the PEM application/x-x509-ca-cert.
		const bytes = response.ok ? await response.arrayBuffer() : undefined;
		if (!bytes || bytes.byteLength > maxCertificateBytes) return undefined;
		try {
			return readCertificate(new TextDecoder().decode(bytes));
		} catch {
			return undefined;
		}
	}

	function entryFor(url: string): Entry {
		const known = entries.get(url);
		if (known) return known;
		while (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
		const entry: Entry = { facts: load(url), keys: new Map() };
		entries.set(url, entry);
		// Only good certificates stay: a failure or an unreadable answer is asked again next time.
		entry.facts.then(
			(facts) => facts || entries.delete(url),
			() => entries.delete(url),
		);
		return entry;
	}

	return {
		async signingKey(url, hash, now) {
			if (!isSnsCertificateUrl(url)) return undefined;
			const entry = entryFor(url);
			const facts = await entry.facts;
			if (!facts || now < facts.notBefore || now > facts.notAfter) return undefined;
			let key = entry.keys.get(hash);
			if (!key) {
				key = crypto.subtle
					.importKey("spki", facts.publicKey, { name: "RSASSA-PKCS1-v1_5", hash }, false, ["verify"])
					.catch(() => undefined);
				entry.keys.set(hash, key);
			}
			return key;
		},
	};
}
