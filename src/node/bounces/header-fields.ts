import libmime from "libmime";
import addressparser from "nodemailer/lib/addressparser/index.js";
import { isMailbox, oneLine } from "../../core/bounces/bounce-report.ts";

/**
 * Header-style text, read with libmime (mailparser's own header code): a message's header
 * block, and the field groups of message/delivery-status (RFC 3464) and
 * message/feedback-report (RFC 5965) bodies, which use the same syntax.
 * Keys are lower-case; values are unfolded and not decoded.
 */
export type Fields = Readonly<Record<string, string[]>>;

/** The header block at the start of `text` (up to the first empty line). */
export function headerFields(text: string): Fields {
	return libmime.decodeHeaders(text, { skipPrototypeKeys: true }) as Fields;
}

/** The groups of a report body: blocks of fields separated by empty lines. */
export function fieldGroups(text: string): Fields[] {
	return text
		.split(/\r?\n(?:[ \t]*\r?\n)+/)
		.map(headerFields)
		.filter((group) => Object.keys(group).length > 0);
}

export const field = (fields: Fields, name: string): string | undefined => fields[name]?.[0]?.trim() || undefined;

/** Printable, one line, encoded words decoded, at most `max` characters: safe to store and show. */
export function cleanText(value: string, max = 1000): string {
	let decoded: string;
	try {
		decoded = libmime.decodeWords(value);
	} catch {
		decoded = value;
	}
	return oneLine(decoded, max);
}

/** The mailboxes named in an address header value (`Name <a@b>, c@d`). */
export function addressesIn(value: string | undefined): string[] {
	if (!value) return [];
	const lower = value.toLowerCase();
	return (
		addressparser(value, { flatten: true })
			.map((a) => a.address.trim())
			// addressparser drops characters it cannot place (a NUL, say): keep only what the header says.
			.filter((address) => isMailbox(address) && lower.includes(address.toLowerCase()))
	);
}

/**
 * The address of an RFC 3464 / 5965 typed address field (`rfc822; user@host`, `<user@host>`).
 * Other address types (x400, utf-8 without @) give undefined.
 */
export function typedAddress(value: string | undefined): string | undefined {
	if (!value) return undefined;
	const semicolon = value.indexOf(";");
	const address = (semicolon >= 0 ? value.slice(semicolon + 1) : value)
		.trim()
		.replace(/^<(.*)>$/, "$1")
		.trim();
	return isMailbox(address) ? address : undefined;
}
