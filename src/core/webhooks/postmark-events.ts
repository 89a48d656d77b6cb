import * as z from "zod";
import type { BounceKind, BounceReport } from "../bounces/bounce-report.ts";
import { tokenIn } from "./delivery-markers.ts";
import { providerRecipient, providerReport, readEvent, recipientsOf } from "./provider-report.ts";

/**
 * A Postmark webhook (authenticated by postmark-auth.ts) as a BounceReport: the Bounce and
 * SpamComplaint webhooks. Postmark's own bounce Type decides the kind (its TypeCode is not
 * read: Postmark's examples give 512 for a spam complaint, its API documents 100001).
 */

/** Postmark's bounce types (API "Bounce types") that are not soft. */
const kindByType: Record<string, BounceKind> = {
	HardBounce: "hard",
	BadEmailAddress: "hard",
	// Deactivated by hand at Postmark: it will not send there again.
	ManuallyDeactivated: "hard",
	SpamComplaint: "complaint",
	// Not a failure to deliver: replies, list requests, Postmark's own errors.
	AutoResponder: "not_a_bounce",
	AddressChange: "not_a_bounce",
	Subscribe: "not_a_bounce",
	Unsubscribe: "not_a_bounce",
	OpenRelayTest: "not_a_bounce",
	InboundError: "not_a_bounce",
	SMTPApiError: "not_a_bounce",
	TemplateRenderingFailed: "not_a_bounce",
	Unconfirmed: "not_a_bounce",
};
// Everything else counts as soft: Transient, SoftBounce, DnsError, Blocked, DMARCPolicy,
// SpamNotification, VirusNotification, ChallengeVerification, Unknown, and types added later.

const event = z.object({
	RecordType: z.string(),
	Type: z.string().nullish(),
	MessageID: z.string().nullish(),
	Email: z.string().nullish(),
	Details: z.string().nullish(),
	Description: z.string().nullish(),
	Metadata: z.record(z.string(), z.unknown()).nullish(),
});

export function postmarkEventReport(payload: unknown): BounceReport {
	const record = readEvent(event, payload, "Postmark");
	const kind: BounceKind =
		record.RecordType === "SpamComplaint"
			? "complaint"
			: record.RecordType === "Bounce"
				? (kindByType[record.Type ?? ""] ?? "soft")
				: "not_a_bounce";
	const failed = kind === "hard" || kind === "soft";
	const details = failed ? { action: "failed", diagnostic: record.Details || record.Description } : {};
	const recipient =
		kind !== "not_a_bounce" && record.Email ? providerRecipient(record.Email, kind, details) : undefined;
	return providerReport({
		kind,
		recipients: recipientsOf([recipient]),
		verpToken: tokenIn(record.Metadata),
		...(kind === "complaint" ? { feedbackType: "abuse" } : {}),
		providerMessageId: record.MessageID ?? undefined,
		source: "postmark",
	});
}
