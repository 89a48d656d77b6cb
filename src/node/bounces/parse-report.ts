import { type Attachment, type ParsedMail, simpleParser } from "mailparser";
import {
	type BounceRecipient,
	type BounceReport,
	distinctAddresses,
	messageIdOf,
	statusIn,
} from "../../core/bounces/bounce-report.ts";
import { type BounceAddress, parseBounceAddress, verpTokenOf } from "../../core/bounces/verp.ts";
import { AppError } from "../../core/errors.ts";
import {
	addressesIn,
	cleanText,
	type Fields,
	field,
	fieldGroups,
	headerFields,
	typedAddress,
} from "./header-fields.ts";
import { readTextBounce } from "./text-bounces.ts";

/**
 * Reads a message that arrived at the bounce address and says what it reports.
 *
 * - RFC 3464 delivery status notifications (multipart/report with message/delivery-status,
 *   or message/global-delivery-status, RFC 6533): one recipient per failed or delayed
 *   per-recipient group. Status class 5 is `hard`; class 4, `Action: delayed`, or a failure
 *   whose cause was temporary (4.x.x after the retry time ran out) is `soft`; delivered,
 *   relayed and expanded recipients are not reported.
 * - RFC 5965 abuse reports (message/feedback-report): `complaint`, with `feedbackType`
 *   (abuse, fraud, virus, other, …). `not-spam` and `auth-failure` (RFC 6591 DMARC/SPF
 *   failure reports) are `not_a_bounce`: nobody asked to stop receiving anything.
 * - Microsoft's older JMRP complaints (staff@hotmail.com, "complaint about message from …",
 *   the message attached with X-HmXmrOriginalRecipient): `complaint`, feedbackType abuse.
 * - Plain-text bounces from mail systems (qmail, Yahoo, Exim without DSN, X-Failed-Recipients):
 *   see text-bounces.ts; a notice that gives no code counts as `soft`.
 * - Everything else (auto-replies, out-of-office notes, people writing back): `not_a_bounce`.
 *
 * `verpToken` comes from addresses only, first found wins: the SMTP envelope recipients,
 * then the notice's Delivered-To / X-Original-To / Envelope-to / To, then the report's
 * Original-Mail-From (ARF) or X-Postfix-Sender, then the returned message's Return-Path.
 * It names the delivery; `recipients` are what the notice's text claims, and anyone can
 * write a notice, so act on the token and use recipients only to display or cross-check.
 *
 * Throws only AppError("invalid_payload"): larger than `maxBytes` (default 1 MiB), or MIME that
 * mailparser itself fails on (none found by the property tests).
 */

export interface ParseReportOptions {
	/** BOUNCE_ADDRESS: `local@domain` whose `local+TOKEN@domain` forms carry delivery tokens. */
	bounceAddress: string | BounceAddress;
	/** RCPT TO addresses when the message came over SMTP. */
	envelopeRecipients?: readonly string[];
	/** Larger messages are rejected; default 1 MiB. */
	maxBytes?: number;
}

export const defaultMaxBounceBytes = 1024 * 1024;

const deliveryStatusTypes = ["message/delivery-status", "message/global-delivery-status"];
const originalTypes = ["message/rfc822", "message/global", "text/rfc822-headers", "message/global-headers"];
/** Feedback types that are not a reader asking to stop. */
const notComplaints = new Set(["not-spam", "auth-failure"]);

type Classified = Pick<BounceReport, "kind" | "recipients" | "source" | "feedbackType">;

interface Reading {
	headers: Fields;
	/** Fields of the report part: the per-message group of a DSN, or the ARF fields. */
	reportFields?: Fields;
	original?: Fields;
}

export async function parseBounceReport(raw: Buffer | string, options: ParseReportOptions): Promise<BounceReport> {
	const maxBytes = options.maxBytes ?? defaultMaxBounceBytes;
	const size = typeof raw === "string" ? Buffer.byteLength(raw) : raw.length;
	if (size > maxBytes) {
		throw new AppError("invalid_payload", `Bounce message too large: ${size} bytes, the limit is ${maxBytes}`);
	}
	const bounce =
		typeof options.bounceAddress === "string" ? parseBounceAddress(options.bounceAddress) : options.bounceAddress;
	const mail = await parse(raw);
	const headers = headerFields(mail.headerLines.map((h) => h.line).join("\r\n"));
	const reading: Reading = { headers };
	const classified = classify(mail, reading);
	const bounced = classified.kind !== "not_a_bounce";
	const verpToken = findToken(bounce, options.envelopeRecipients ?? [], reading);
	const originalMessageId =
		messageIdOf(reading.original && field(reading.original, "message-id")) ??
		messageIdOf(reading.reportFields && field(reading.reportFields, "x-original-message-id")) ??
		(bounced ? messageIdOf(field(headers, "in-reply-to")) : undefined);
	return {
		...classified,
		...(verpToken ? { verpToken } : {}),
		...(originalMessageId ? { originalMessageId } : {}),
	};
}

async function parse(raw: Buffer | string): Promise<ParsedMail> {
	try {
		// ignoreEmbedded (passed through to mailsplit) keeps returned messages whole, as
		// attachments, instead of merging an inline one into the notice's text.
		return await simpleParser(raw, {
			keepDeliveryStatus: true,
			skipTextToHtml: true,
			skipTextLinks: true,
			skipImageLinks: true,
			ignoreEmbedded: true,
		} as Parameters<typeof simpleParser>[1]);
	} catch (error) {
		throw new AppError("invalid_payload", "Bounce message could not be read as MIME", {}, { cause: error });
	}
}

const partOf = (mail: ParsedMail, types: string[]): Attachment | undefined =>
	// An empty Content-Type header leaves mailparser's contentType something other than a string.
	mail.attachments.find((a) => typeof a.contentType === "string" && types.includes(a.contentType.toLowerCase()));

const partText = (part: Attachment) => part.content.toString("utf8");

function classify(mail: ParsedMail, reading: Reading): Classified {
	const original = partOf(mail, originalTypes);
	if (original) reading.original = headerFields(partText(original));

	const feedback = partOf(mail, ["message/feedback-report"]);
	if (feedback) return fromFeedbackReport(fieldGroups(partText(feedback)), reading);

	const status = partOf(mail, deliveryStatusTypes);
	if (status) {
		const fromDsn = fromDeliveryStatus(fieldGroups(partText(status)), reading);
		if (fromDsn) return fromDsn;
	}

	const subject = field(reading.headers, "subject") ?? "";
	const from = field(reading.headers, "from");
	if (reading.original && /complaint about message from/i.test(subject) && /staff@hotmail\.com/i.test(from ?? "")) {
		const address = addressesIn(field(reading.original, "x-hmxmroriginalrecipient"))[0];
		return { kind: "complaint", feedbackType: "abuse", recipients: address ? [{ address }] : [], source: "heuristic" };
	}

	const text = readTextBounce(reading.headers, from, mail.text ?? "");
	if (text) {
		reading.original ??= text.original;
		const statuses = text.recipients.length ? text.recipients.map((r) => r.status) : [text.status];
		const hard = statuses.some((s) => s.startsWith("5"));
		return { kind: hard ? "hard" : "soft", recipients: text.recipients, source: "heuristic" };
	}
	return { kind: "not_a_bounce", recipients: [], source: "heuristic" };
}

function fromFeedbackReport(groups: Fields[], reading: Reading): Classified {
	const fields: Record<string, string[]> = {};
	// One group by the RFC; some generators leave empty lines between fields.
	for (const group of groups)
		for (const [key, values] of Object.entries(group)) fields[key] = [...(fields[key] ?? []), ...values];
	reading.reportFields = fields;
	const feedbackType = cleanText(field(fields, "feedback-type") ?? "other", 40).toLowerCase();
	let addresses = (fields["original-rcpt-to"] ?? []).map(typedAddress).filter((a): a is string => a !== undefined);
	// Without Original-Rcpt-To, the returned copy's To names the reader when it names one.
	if (addresses.length === 0 && reading.original) {
		const to = addressesIn(field(reading.original, "to"));
		if (to.length === 1) addresses = to;
	}
	return {
		kind: notComplaints.has(feedbackType) ? "not_a_bounce" : "complaint",
		feedbackType,
		recipients: distinctAddresses(addresses, (a) => a).map((address) => ({ address })),
		source: "arf",
	};
}

/** Undefined when the part has no per-recipient group (then the notice's text is read instead). */
function fromDeliveryStatus(groups: Fields[], reading: Reading): Classified | undefined {
	const isRecipient = (g: Fields) => g["final-recipient"] !== undefined || g["original-recipient"] !== undefined;
	reading.reportFields = groups.find((g) => !isRecipient(g));
	if (!groups.some(isRecipient)) return undefined;
	const recipients: BounceRecipient[] = [];
	// A group whose address cannot be read still says what happened to the delivery.
	const unnamed: BounceRecipient[] = [];
	for (const group of groups.filter(isRecipient)) {
		const address = typedAddress(field(group, "final-recipient")) ?? typedAddress(field(group, "original-recipient"));
		const action = field(group, "action")?.toLowerCase().split(/[\s(]/)[0];
		if (action === "delivered" || action === "relayed" || action === "expanded") continue;
		const diagnosticField = field(group, "diagnostic-code");
		// "smtp; 550 5.1.1 …": the type before the semicolon says nothing a reader needs.
		const diagnostic = diagnosticField ? cleanText(diagnosticField.replace(/^[\w-]+\s*;\s*/, "")) : undefined;
		const given = /^\s*([245]\.\d{1,3}\.\d{1,3})/.exec(field(group, "status") ?? "")?.[1];
		const status =
			given ?? (diagnostic ? statusIn(diagnostic) : undefined) ?? (action === "delayed" ? "4.0.0" : "5.0.0");
		if (status.startsWith("2")) continue;
		const recipient = {
			address: address ?? "",
			status,
			...(action ? { action } : {}),
			...(diagnostic ? { diagnostic } : {}),
		};
		(address ? recipients : unnamed).push(recipient);
	}
	const all = [...recipients, ...unnamed];
	// A delay is soft whatever code it carries; so is a failure whose cause was temporary.
	const hard = all.some((r) => r.action !== "delayed" && r.status?.startsWith("5"));
	const kind = all.length === 0 ? "not_a_bounce" : hard ? "hard" : "soft";
	return { kind, recipients: distinctAddresses(recipients, (r) => r.address), source: "dsn" };
}

function findToken(bounce: BounceAddress, envelope: readonly string[], reading: Reading): string | undefined {
	const { headers, reportFields, original } = reading;
	const candidates = [
		...envelope,
		...["delivered-to", "x-original-to", "envelope-to", "to"].flatMap((name) =>
			(headers[name] ?? []).flatMap(addressesIn),
		),
		...(reportFields
			? ["original-mail-from", "x-postfix-sender"].map((name) => typedAddress(field(reportFields, name)))
			: []),
		...(original ? addressesIn(field(original, "return-path")) : []),
	];
	for (const candidate of candidates) {
		const token = candidate && verpTokenOf(candidate, bounce);
		if (token) return token;
	}
	return undefined;
}
