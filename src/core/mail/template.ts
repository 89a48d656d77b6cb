/**
 * Fills compiled templates. `{{name}}` is HTML-escaped; `{{{name}}}` is inserted as is
 * and is only ever given HTML that this module's helpers built from escaped values.
 * A template is split into literal parts once, so filling is one join per message.
 */
import { safeUrl } from "../safe-url.ts";

export interface PreparedTemplate {
	literals: string[];
	slots: { name: string; raw: boolean }[];
}

const slotPattern = /\{\{(\{?)(\w+)\}?\}\}/g;

export function prepareTemplate(source: string): PreparedTemplate {
	const literals: string[] = [];
	const slots: PreparedTemplate["slots"] = [];
	let last = 0;
	for (const m of source.matchAll(slotPattern)) {
		literals.push(source.slice(last, m.index));
		slots.push({ name: m[2] ?? "", raw: m[1] === "{" });
		last = (m.index ?? 0) + m[0].length;
	}
	literals.push(source.slice(last));
	return { literals, slots };
}

export type Escape = (text: string) => string;

export function fillTemplate(
	template: PreparedTemplate,
	values: Readonly<Record<string, string>>,
	escapeValue: Escape = escapeHtml,
): string {
	let out = template.literals[0] ?? "";
	for (let i = 0; i < template.slots.length; i++) {
		const slot = template.slots[i] as PreparedTemplate["slots"][number];
		const value = values[slot.name];
		if (value === undefined) throw new Error(`template value missing: ${slot.name}`);
		out += (slot.raw ? value : escapeValue(value)) + (template.literals[i + 1] ?? "");
	}
	return out;
}

/**
 * Fills the slots these values name and keeps the others: the parts of a message that
 * are the same for many readers (a paper's block) are escaped and joined once.
 */
export function partialFill(
	template: PreparedTemplate,
	values: Readonly<Record<string, string>>,
	escapeValue: Escape = escapeHtml,
): PreparedTemplate {
	const literals: string[] = [template.literals[0] ?? ""];
	const slots: PreparedTemplate["slots"] = [];
	template.slots.forEach((slot, i) => {
		const value = values[slot.name];
		const next = template.literals[i + 1] ?? "";
		if (value === undefined) {
			slots.push(slot);
			literals.push(next);
		} else {
			literals[literals.length - 1] += (slot.raw ? value : escapeValue(value)) + next;
		}
	});
	return { literals, slots };
}

const htmlEscapes: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const needsEscape = /[&<>"']/;

// Most values (addresses, URLs, keywords) have nothing to escape: test before replacing.
export const escapeHtml = (text: string): string =>
	needsEscape.test(text) ? text.replace(/[&<>"']/g, (ch) => htmlEscapes[ch] ?? ch) : text;

const nonAscii = /[^\x00-\x7f]/;
const nonAsciiChars = /[^\x00-\x7f]/gu;

/**
 * HTML with every non-ASCII character written as a numeric character reference: it
 * renders the same, and a message body that is pure ASCII costs a fraction to encode
 * (JavaScript keeps it as one byte a character). Safe on any HTML built here: text and
 * attribute values only, no <script> or <style> content from data.
 */
export const asciiHtml = (html: string): string =>
	nonAscii.test(html) ? compactAscii(html.replace(nonAsciiChars, (ch) => `&#${ch.codePointAt(0)};`)) : html;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/**
 * The same ASCII text, stored one byte a character. A string that ever held a character
 * beyond Latin-1 stays two bytes a character in V8 even once it is all ASCII (a replace
 * result, a slice), and a message joined from such pieces encodes to bytes ~10x slower.
 * A UTF-8 round trip gives back the compact form. Only for ASCII input.
 */
export const compactAscii = (ascii: string): string => fromUtf8.decode(utf8.encode(ascii));

const lineBreaks = /[\r\n]+/g;
// Anything escapeHtmlAscii would change: markup characters, line breaks, non-ASCII.
const needsAsciiEscape = /[&<>"'\r\n\u0080-\uffff]/;

/**
 * escapeHtml for mail bodies kept 7-bit with short CRLF lines (see asciiHtml): a value's
 * own line breaks become spaces, which HTML renders the same, so a value never starts a
 * line or leaves a bare CR or LF.
 */
export const escapeHtmlAscii: Escape = (text) =>
	needsAsciiEscape.test(text) ? asciiHtml(escapeHtml(text.replace(lineBreaks, " "))) : text;

/** `<a href="…">label</a>` joined by separators, for links that may or may not exist. */
export function linkList(
	links: readonly { label: string; url: string | null | undefined }[],
	separator = " &middot; ",
): string {
	return links
		.flatMap(({ label, url }) => {
			const safe = safeUrl(url);
			return safe ? [`<a href="${escapeHtml(safe)}">${escapeHtml(label)}</a>`] : [];
		})
		.join(separator);
}
