/**
 * DKIM keys: `paperboy dkim generate` makes one and prints the DNS record that publishes
 * it; `paperboy doctor` checks that the published record matches the configured key.
 * RSA 2048: what every receiver verifies (1024 is weak; 4096 outgrows what several DNS
 * providers accept in one TXT field).
 */
import { createPublicKey, generateKeyPairSync } from "node:crypto";

export function generateDkimKey(bits = 2048): string {
	const { privateKey } = generateKeyPairSync("rsa", { modulusLength: bits });
	return privateKey.export({ type: "pkcs8", format: "pem" }).toString();
}

/** The `p=` value of a key's record: its public half, DER (SubjectPublicKeyInfo) in base64. */
export const dkimPublicKey = (privateKeyPem: string): string =>
	createPublicKey(privateKeyPem).export({ type: "spki", format: "der" }).toString("base64");

export const dkimRecord = (privateKeyPem: string): string => `v=DKIM1; k=rsa; p=${dkimPublicKey(privateKeyPem)}`;

export const dkimRecordName = (selector: string, domain: string): string => `${selector}._domainkey.${domain}`;

/** A TXT value as a zone file wants it: quoted strings of at most 255 characters each. */
export function zoneFileStrings(value: string): string {
	const parts: string[] = [];
	for (let i = 0; i < value.length; i += 255) parts.push(`"${value.slice(i, i + 255)}"`);
	return parts.join(" ");
}

/** The tags of a DKIM record (`v=DKIM1; k=rsa; p=…`), whitespace inside values removed. */
export function dkimTags(record: string): Map<string, string> {
	const tags = new Map<string, string>();
	for (const part of record.split(";")) {
		const at = part.indexOf("=");
		if (at > 0) tags.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).replace(/\s+/g, ""));
	}
	return tags;
}
