import { distinctAddresses, isMailbox, statusIn } from "../../core/bounces/bounce-report.ts";
import { addressesIn, cleanText, type Fields, headerFields } from "./header-fields.ts";

/**
 * Bounces written as plain text, without a message/delivery-status part: qmail, Yahoo's
 * outbound "Failure Notice", Exim before it wrote DSNs, Gmail's old text notices. Each shape
 * is one row: how to recognise it, and the line that starts the returned copy of our message.
 * Only mail from a mail system is read this way (a MAILER-DAEMON or postmaster sender, or an
 * X-Failed-Recipients header), so a person's reply that says "could not be delivered" is not
 * mistaken for a bounce.
 */
interface TextShape {
	name: string;
	marker: RegExp;
	/** A line that names a failed address (first group). */
	recipientLine: RegExp;
	/** Where the copy of the returned message starts. */
	copy?: RegExp;
}

// "<user@host>: reason" (qmail, Yahoo, Postfix); an address alone on an indented line (Exim,
// Gmail); "user@host<mailto:user@host>" on a line of its own (Exchange).
const angle = /^<([^<>\s]+@[^<>\s]+)>/gm;
const indented = /^[ \t]+([^\s<>()]+@[^\s<>():]+):?[ \t]*$/gm;
const bare = /^([^\s<>()]+@[^\s<>()]+?)(?:<mailto:[^>]*>)?[ \t]*$/gm;
const belowThisLine = /^--- Below this line is a copy of the message/m;

const shapes: TextShape[] = [
	{
		name: "qmail",
		marker: /This is the qmail-send program|wasn't able to deliver your message/i,
		recipientLine: angle,
		copy: belowThisLine,
	},
	{
		name: "yahoo",
		marker: /unable to deliver your message to the following address/i,
		recipientLine: angle,
		copy: belowThisLine,
	},
	{ name: "postfix", marker: /This is the (?:Postfix program|mail system) at host/i, recipientLine: angle },
	{
		name: "exim",
		marker: /created automatically by mail delivery software/i,
		recipientLine: indented,
		copy: /^-{2,} This is a copy of the message/m,
	},
	{
		name: "gmail",
		marker: /Delivery to the following recipients? (?:failed|has been delayed)/i,
		recipientLine: indented,
		copy: /^-{3,} Original message -{3,}/m,
	},
	{
		name: "exchange",
		marker: /Delivery has failed to these recipients or groups/i,
		recipientLine: bare,
		copy: /^Original message headers:/m,
	},
];

/** Said about the whole notice when no line carries a code; anything else counts as soft. */
const permanent = /permanent error|failed permanently|I've given up|permanent fatal/i;

const mailSystemSender = /^(?:mailer-daemon|postmaster|mail-daemon|mailerdaemon)@/i;

export interface TextBounceRecipient {
	address: string;
	status: string;
	diagnostic?: string;
}

export interface TextBounce {
	/** The notice's severity when it names no address it could be tied to. */
	status: string;
	recipients: TextBounceRecipient[];
	/** Header fields of the returned copy of our message, when the notice includes one. */
	original: Fields | undefined;
}

/** The lines after `address` in the notice, up to the next empty line or the next address. */
function diagnosticAfter(explanation: string, address: string): string | undefined {
	const at = explanation.toLowerCase().indexOf(address.toLowerCase());
	if (at < 0) return undefined;
	const rest = explanation.slice(at + address.length).replace(/^>?:?[ \t]*\r?\n?/, "");
	const paragraph = rest.split(/\r?\n[ \t]*\r?\n|\r?\n<[^>\s]+@/)[0] ?? "";
	return cleanText(paragraph) || undefined;
}

export function readTextBounce(headers: Fields, from: string | undefined, text: string): TextBounce | undefined {
	const failedHeader = (headers["x-failed-recipients"] ?? []).flatMap((value) => addressesIn(value));
	const fromMailSystem = addressesIn(from).some((a) => mailSystemSender.test(a));
	const shape = shapes.find((s) => s.marker.test(text));
	if (!(fromMailSystem && shape) && failedHeader.length === 0) return undefined;

	const copyAt = shape?.copy?.exec(text)?.index ?? -1;
	const explanation = copyAt >= 0 ? text.slice(0, copyAt) : text;
	const copy = copyAt >= 0 ? text.slice(copyAt).replace(/^.*\r?\n(?:[ \t]*\r?\n)*/, "") : "";

	const listed = shape ? [...explanation.matchAll(shape.recipientLine)].map((m) => m[1] ?? "").filter(isMailbox) : [];
	const addresses = distinctAddresses([...failedHeader, ...listed], (a) => a);
	// Unknown severity counts as soft: a guess must not suppress a reader.
	const overall =
		(addresses.length <= 1 ? statusIn(explanation) : undefined) ?? (permanent.test(explanation) ? "5.0.0" : "4.0.0");
	const recipients = addresses.map((address) => {
		const diagnostic = diagnosticAfter(explanation, address);
		const status = (diagnostic ? statusIn(diagnostic) : undefined) ?? overall;
		return diagnostic ? { address, status, diagnostic } : { address, status };
	});
	return { status: overall, recipients, original: copy ? headerFields(copy) : undefined };
}
