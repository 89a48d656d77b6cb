import * as z from "zod";
import { type BounceKind, type BounceReport, messageIdOf } from "../bounces/bounce-report.ts";
import { isDeliveryToken } from "../bounces/verp.ts";
import { AppError } from "../errors.ts";
import { deliveryHeader, tokenIn } from "./delivery-markers.ts";
import { providerRecipient, providerReport, readEvent, recipientsOf } from "./provider-report.ts";

/**
 * An Amazon SES notification (the Message of a verified SNS Notification) as a BounceReport.
 * Both shapes SES publishes: feedback notifications (`notificationType`) and event publishing
 * through a configuration set (`eventType`, with `mail.tags`).
 *
 * | type            | kind                                                                 |
 * |-----------------|----------------------------------------------------------------------|
 * | Bounce          | hard when bounceType is Permanent; Transient and Undetermined soft  |
 * | Complaint       | complaint; `not-spam` feedback is not_a_bounce (as for ARF reports) |
 * | DeliveryDelay   | soft, action `delayed`                                               |
 * | anything else   | not_a_bounce (Delivery, Send, Open, Click, Reject, …)                |
 */

const recipient = z.object({
	emailAddress: z.string(),
	status: z.string().nullish(),
	action: z.string().nullish(),
	diagnosticCode: z.string().nullish(),
});

const notification = z.object({
	notificationType: z.string().nullish(),
	eventType: z.string().nullish(),
	mail: z
		.object({
			messageId: z.string().nullish(),
			headers: z.array(z.object({ name: z.string(), value: z.string() })).nullish(),
			commonHeaders: z.object({ messageId: z.string().nullish() }).nullish(),
			tags: z.record(z.string(), z.unknown()).nullish(),
		})
		.nullish(),
	bounce: z.object({ bounceType: z.string(), bouncedRecipients: z.array(recipient) }).nullish(),
	complaint: z
		.object({
			complainedRecipients: z.array(z.object({ emailAddress: z.string() })),
			complaintFeedbackType: z.string().nullish(),
		})
		.nullish(),
	deliveryDelay: z.object({ delayedRecipients: z.array(recipient) }).nullish(),
});

/** Parses the SNS Message text and reads it; AppError("invalid_payload") when it is not SES's JSON. */
export function sesMessageReport(message: string): BounceReport {
	let payload: unknown;
	try {
		payload = JSON.parse(message);
	} catch {
		throw new AppError("invalid_payload", "The SNS message is not an SES notification (not JSON)");
	}
	return sesNotificationReport(payload);
}

export function sesNotificationReport(payload: unknown): BounceReport {
	const ses = readEvent(notification, payload, "Amazon SES");
	const type = ses.notificationType ?? ses.eventType;
	const header = (name: string) =>
		ses.mail?.headers?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value.trim();
	const headerToken = header(deliveryHeader);
	const common = {
		verpToken: tokenIn(ses.mail?.tags) ?? (headerToken && isDeliveryToken(headerToken) ? headerToken : undefined),
		originalMessageId: messageIdOf(ses.mail?.commonHeaders?.messageId ?? header("message-id")),
		providerMessageId: ses.mail?.messageId ?? undefined,
		source: "ses" as const,
	};
	const missing = (part: string) => new AppError("invalid_payload", `An SES ${type} notification without ${part}`);

	if (type === "Bounce") {
		if (!ses.bounce) throw missing("bounce");
		const kind: BounceKind = ses.bounce.bounceType === "Permanent" ? "hard" : "soft";
		const recipients = ses.bounce.bouncedRecipients.map((r) =>
			providerRecipient(r.emailAddress, kind, {
				status: r.status,
				action: r.action?.toLowerCase() ?? "failed",
				diagnostic: r.diagnosticCode,
			}),
		);
		return providerReport({ kind, recipients: recipientsOf(recipients), ...common });
	}
	if (type === "Complaint") {
		if (!ses.complaint) throw missing("complaint");
		const feedbackType = ses.complaint.complaintFeedbackType?.toLowerCase();
		const kind: BounceKind = feedbackType === "not-spam" ? "not_a_bounce" : "complaint";
		const recipients = ses.complaint.complainedRecipients.map((r) => providerRecipient(r.emailAddress, kind));
		return providerReport({ kind, recipients: recipientsOf(recipients), feedbackType, ...common });
	}
	if (type === "DeliveryDelay") {
		if (!ses.deliveryDelay) throw missing("deliveryDelay");
		const recipients = ses.deliveryDelay.delayedRecipients.map((r) =>
			providerRecipient(r.emailAddress, "soft", { status: r.status, action: "delayed", diagnostic: r.diagnosticCode }),
		);
		return providerReport({ kind: "soft", recipients: recipientsOf(recipients), ...common });
	}
	return providerReport({ kind: "not_a_bounce", recipients: [], ...common });
}
