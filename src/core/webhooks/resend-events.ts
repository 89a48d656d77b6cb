import * as z from "zod";
import { type BounceKind, type BounceReport, messageIdOf } from "../bounces/bounce-report.ts";
import { tokenIn } from "./delivery-markers.ts";
import { providerRecipient, providerReport, readEvent, recipientsOf } from "./provider-report.ts";

/**
 * A verified Resend event (see resend-signature.ts) as a BounceReport. Resend sends through
 * Amazon SES and passes on its bounce classification: `bounce.type` Permanent is hard,
 * Transient and Undetermined are soft.
 *
 * | event                    | kind                                                        |
 * |--------------------------|-------------------------------------------------------------|
 * | `email.bounced`          | hard (Permanent, or no type), else soft                     |
 * | `email.delivery_delayed` | soft, action `delayed` (as a DSN's `Action: delayed`)       |
 * | `email.complained`       | complaint                                                   |
 * | `email.suppressed`       | hard: Resend refused to send to an address it suppressed   |
 * | anything else            | not_a_bounce (sent, delivered, opened, clicked, …)          |
 */

const event = z.object({
	type: z.string(),
	data: z.object({
		email_id: z.string().nullish(),
		message_id: z.string().nullish(),
		to: z.union([z.array(z.string()), z.string()]).nullish(),
		// A map of name to value; older payloads used a list of { name, value }.
		tags: z
			.union([z.record(z.string(), z.unknown()), z.array(z.object({ name: z.string(), value: z.unknown() }))])
			.nullish(),
		bounce: z
			.object({
				type: z.string().nullish(),
				subType: z.string().nullish(),
				message: z.string().nullish(),
				diagnosticCode: z.union([z.string(), z.array(z.string())]).nullish(),
			})
			.nullish(),
		suppressed: z.object({ type: z.string().nullish(), message: z.string().nullish() }).nullish(),
	}),
});

function kindOf(type: string, bounceType: string | null | undefined): BounceKind {
	if (type === "email.bounced") return !bounceType || bounceType.toLowerCase() === "permanent" ? "hard" : "soft";
	if (type === "email.delivery_delayed") return "soft";
	if (type === "email.complained") return "complaint";
	if (type === "email.suppressed") return "hard";
	return "not_a_bounce";
}

export function resendEventReport(payload: unknown): BounceReport {
	const { type, data } = readEvent(event, payload, "Resend");
	const kind = kindOf(type, data.bounce?.type);
	const tags = Array.isArray(data.tags) ? Object.fromEntries(data.tags.map((t) => [t.name, t.value])) : data.tags;
	const diagnosticCode = [data.bounce?.diagnosticCode ?? []].flat()[0];
	const diagnostic = diagnosticCode ?? data.bounce?.message ?? data.suppressed?.message;
	const action =
		type === "email.delivery_delayed" ? "delayed" : kind === "hard" || kind === "soft" ? "failed" : undefined;
	const to = kind === "not_a_bounce" ? [] : [data.to ?? []].flat();
	return providerReport({
		kind,
		recipients: recipientsOf(to.map((address) => providerRecipient(address, kind, { action, diagnostic }))),
		verpToken: tokenIn(tags),
		...(kind === "complaint" ? { feedbackType: "abuse" } : {}),
		originalMessageId: messageIdOf(data.message_id ?? undefined),
		providerMessageId: data.email_id ?? undefined,
		source: "resend",
	});
}
