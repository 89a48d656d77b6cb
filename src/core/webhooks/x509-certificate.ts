import { fromBase64 } from "../crypto.ts";
import { AppError } from "../errors.ts";

/**
 * The three facts SNS verification needs from a PEM certificate: its public key
 * (SubjectPublicKeyInfo, which Web Crypto imports as "spki") and its validity period.
 *
 * Read by hand from the DER (RFC 5280 §4.1): the X.509 libraries that run without Node
 * would add 62-213 KiB to the Worker bundle for these three fields (decision 017). Nothing
 * here decides trust: the certificate is trusted because it came over https from an AWS
 * host, and the signature is checked by Web Crypto. Anything that is not a well-formed
 * certificate throws AppError("invalid_payload"); test/unit/webhooks checks the fields
 * against node:crypto's X509Certificate and feeds it damaged input.
 */

export interface CertificateFacts {
	/** DER of the SubjectPublicKeyInfo. */
	publicKey: Uint8Array<ArrayBuffer>;
	notBefore: Date;
	notAfter: Date;
}

const SEQUENCE = 0x30;
const VERSION = 0xa0; // [0] EXPLICIT, optional
const UTC_TIME = 0x17;
const GENERALIZED_TIME = 0x18;

interface Element {
	tag: number;
	start: number;
	contentStart: number;
	end: number;
}

const invalid = (why: string) => new AppError("invalid_payload", `Not a readable X.509 certificate: ${why}`);

/** The element (tag, length, content) at `at`, which must end by `limit`. */
function elementAt(der: Uint8Array, at: number, limit: number): Element {
	if (at + 2 > limit) throw invalid("truncated");
	const tag = der[at] ?? 0;
	if ((tag & 0x1f) === 0x1f) throw invalid("multi-byte tag");
	let length = der[at + 1] ?? 0;
	let contentStart = at + 2;
	if (length & 0x80) {
		const octets = length & 0x7f;
		// DER: the shortest length form, at most 4 octets here (no certificate is 4 GiB).
		if (octets === 0 || octets > 4 || contentStart + octets > limit) throw invalid("bad length");
		length = 0;
		for (let i = 0; i < octets; i++) length = length * 256 + (der[contentStart + i] ?? 0);
		contentStart += octets;
	}
	const end = contentStart + length;
	if (end > limit) throw invalid("truncated");
	return { tag, start: at, contentStart, end };
}

function childrenOf(der: Uint8Array, parent: Element): Element[] {
	const children: Element[] = [];
	for (let at = parent.contentStart; at < parent.end; ) {
		const child = elementAt(der, at, parent.end);
		children.push(child);
		at = child.end;
	}
	return children;
}

function expect(element: Element | undefined, tag: number, what: string): Element {
	if (element?.tag !== tag) throw invalid(`no ${what}`);
	return element;
}

function timeOf(der: Uint8Array, element: Element | undefined): Date {
	if (!element || element.end - element.contentStart > 15) throw invalid("bad validity time");
	const text = String.fromCharCode(...der.subarray(element.contentStart, element.end));
	const utc = element.tag === UTC_TIME && /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
	const generalized = element.tag === GENERALIZED_TIME && /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
	const parts = utc || generalized;
	if (!parts) throw invalid("bad validity time");
	const [year, month, day, hour, minute, second] = parts.slice(1).map(Number) as [number, ...number[]];
	// RFC 5280 §4.1.2.5.1: a two-digit year of 50 or more is 19YY, below 50 is 20YY.
	const fullYear = utc ? (year >= 50 ? 1900 + year : 2000 + year) : year;
	const time = Date.UTC(fullYear, (month ?? 1) - 1, day, hour, minute, second);
	if (Number.isNaN(time)) throw invalid("bad validity time");
	return new Date(time);
}

function derOfPem(pem: string): Uint8Array<ArrayBuffer> {
	const body = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/.exec(pem)?.[1];
	const der = body ? fromBase64(body) : undefined;
	if (!der || der.length === 0) throw invalid("no PEM certificate block");
	return der;
}

/** Reads the first certificate of a PEM text. */
export function readCertificate(pem: string): CertificateFacts {
	const der = derOfPem(pem);
	const certificate = expect(elementAt(der, 0, der.length), SEQUENCE, "certificate");
	if (certificate.end !== der.length) throw invalid("bytes after the certificate");
	const tbs = expect(childrenOf(der, certificate)[0], SEQUENCE, "tbsCertificate");
	const fields = childrenOf(der, tbs);
	// version, serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo, …
	const first = fields[0]?.tag === VERSION ? 1 : 0;
	const validity = expect(fields[first + 3], SEQUENCE, "validity");
	const publicKey = expect(fields[first + 5], SEQUENCE, "subjectPublicKeyInfo");
	const [notBefore, notAfter] = childrenOf(der, validity);
	return {
		publicKey: der.slice(publicKey.start, publicKey.end),
		notBefore: timeOf(der, notBefore),
		notAfter: timeOf(der, notAfter),
	};
}
