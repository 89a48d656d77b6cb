/**
 * Builds the RFC 5322 / MIME text of a message for SMTP: multipart/alternative with a
 * quoted-printable text and HTML part, so every line is 7-bit and at most 76 characters
 * whatever the content, and no relay has to re-encode (which would break DKIM).
 */
import { rfc5322Date } from "../../core/mail/compose-message.ts";
import type { MailMessage } from "../../core/mail/mailer.ts";

const CRLF = "\r\n";
const encoder = new TextEncoder();
const nonAscii = /[^\x00-\x7f]/;

/** The headers we write ourselves; a caller's extra header of the same name is ignored. */
const ownHeaders = new Set(["from", "to", "subject", "date", "message-id", "mime-version", "content-type"]);

export function buildMime(message: MailMessage, boundary: string): string {
	const headers: [string, string][] = [
		["From", encodeAddress(message.from)],
		["To", message.to],
		["Subject", encodeWords(message.subject)],
		["Date", rfc5322Date(message.date)],
		["Message-ID", message.messageId],
		["MIME-Version", "1.0"],
		...Object.entries(message.headers).filter(([name]) => !ownHeaders.has(name.toLowerCase())),
		["Content-Type", `multipart/alternative; boundary="${boundary}"`],
	];
	const part = (type: string, body: string) =>
		[
			`--${boundary}`,
			`Content-Type: ${type}; charset=utf-8`,
			"Content-Transfer-Encoding: quoted-printable",
			"",
			quotedPrintable(body),
		].join(CRLF);
	return [
		...headers.map(([name, value]) => `${name}: ${singleLine(value)}`),
		"",
		part("text/plain", message.text),
		part("text/html", message.html),
		`--${boundary}--`,
		"",
	].join(CRLF);
}

/** A value from our own data must never start a new header line. */
const singleLine = (value: string) => value.replace(/[\r\n]+\s*/g, " ");

/** RFC 2047 encoded words (base64, at most 75 characters each) for non-ASCII header text. */
export function encodeWords(text: string): string {
	if (!nonAscii.test(text)) return text;
	const words: string[] = [];
	let chunk = "";
	let bytes = 0;
	for (const char of text) {
		const size = encoder.encode(char).length;
		// 45 bytes become 60 base64 characters: with "=?utf-8?B?" and "?=" that is 72.
		if (bytes + size > 45) {
			words.push(chunk);
			chunk = "";
			bytes = 0;
		}
		chunk += char;
		bytes += size;
	}
	if (chunk) words.push(chunk);
	return words.map((w) => `=?utf-8?B?${utf8Base64(w)}?=`).join(`${CRLF} `);
}

/** `Name <addr>` with the display name encoded or quoted as RFC 5322 needs. */
export function encodeAddress(mailbox: string): string {
	const match = /^\s*(.*?)\s*<([^<>]+)>\s*$/.exec(mailbox);
	if (!match?.[1]) return mailbox.trim();
	const [, name, address] = match;
	if (nonAscii.test(name)) return `${encodeWords(name)} <${address}>`;
	if (/^".*"$/.test(name) || /^[\w !#$%&'*+/=?^`{|}~-]+$/.test(name)) return `${name} <${address}>`;
	return `"${name.replace(/["\\]/g, "\\$&")}" <${address}>`;
}

/** The bare address of `Name <addr>` or `addr`, for the SMTP envelope. */
export function envelopeAddress(mailbox: string): string {
	return (/<([^<>]+)>\s*$/.exec(mailbox)?.[1] ?? mailbox).trim();
}

export function utf8Base64(text: string): string {
	let binary = "";
	for (const byte of encoder.encode(text)) binary += String.fromCharCode(byte);
	return btoa(binary);
}

/** RFC 2045 quoted-printable of UTF-8 text; line breaks become CRLF hard breaks. */
export function quotedPrintable(text: string): string {
	const out: string[] = [];
	for (const line of text.split(/\r?\n/)) {
		const bytes = encoder.encode(line);
		let encoded = "";
		let width = 0;
		for (let i = 0; i < bytes.length; i++) {
			const byte = bytes[i] ?? 0;
			const last = i === bytes.length - 1;
			const literal = (byte >= 33 && byte <= 126 && byte !== 61) || ((byte === 32 || byte === 9) && !last);
			const token = literal ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, "0")}`;
			// A soft break "=" must fit too, and a line may carry at most 76 characters.
			if (width + token.length > 75) {
				encoded += `=${CRLF}`;
				width = 0;
			}
			encoded += token;
			width += token.length;
		}
		out.push(encoded);
	}
	return out.join(CRLF);
}
