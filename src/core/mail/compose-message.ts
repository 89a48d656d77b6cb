import { parseBounceAddress, verpAddress } from "../bounces/verp.ts";
import type { Config } from "../config.ts";
import { hmacBase64Url } from "../crypto.ts";
import { deliveryHeaders } from "../webhooks/delivery-markers.ts";
import type { MailMessage } from "./mailer.ts";

/** "Mon, 02 Nov 2026 08:00:00 +0000": RFC 5322 prefers a numeric zone to "GMT". */
export const rfc5322Date = (date: Date) => date.toUTCString().replace(/GMT$/, "+0000");

/** The domain of the From address: Message-IDs and List-Id live under it. */
export function sendingDomain(from: string): string {
	const match = /@([^>\s]+)>?\s*$/.exec(from);
	return (match?.[1] ?? "localhost").toLowerCase();
}

export interface ComposeInput {
	to: string;
	subject: string;
	html: string;
	text: string;
	date: Date;
	/** Unique per message and stable across retries of the same message; never sent as it is. */
	messageKey: string;
	/** Set for list mail (digests): adds RFC 2369 / RFC 8058 unsubscribe headers. */
	unsubscribeUrl?: string;
	/** Set for digests: the delivery's token, for the VERP return path and provider tags. */
	deliveryToken?: string;
}

/**
 * The Message-ID every recipient and relay sees: a keyed hash of the message's internal
 * key (which holds row numbers), so it says nothing about how many readers or deliveries
 * there are, and stays the same for every retry of one message.
 */
export const messageIdFor = (secret: string, messageKey: string, domain: string) =>
	`<${hmacBase64Url(secret, `message-id:${messageKey}`).slice(0, 32)}@${domain}>`;

export function composeMessage(config: Pick<Config, "mail" | "secret">, input: ComposeInput): MailMessage {
	const { mail } = config;
	const domain = sendingDomain(mail.from);
	const headers: Record<string, string> = { "Auto-Submitted": "auto-generated" };
	if (input.unsubscribeUrl) {
		const targets = [`<${input.unsubscribeUrl}>`];
		if (mail.listUnsubscribeMailto) targets.push(`<mailto:${mail.listUnsubscribeMailto}?subject=unsubscribe>`);
		headers["List-Unsubscribe"] = targets.join(", ");
		headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click";
		headers["List-Id"] = `paperboy digest <digest.${domain}>`;
		// Tells well-behaved autoresponders not to answer a bulk message.
		headers.Precedence = "bulk";
	}
	if (input.deliveryToken && mail.deliveryHeaders) Object.assign(headers, deliveryHeaders(input.deliveryToken));
	// Bounces come back to the bounce address; a digest's names its delivery (VERP).
	const returnPath =
		mail.bounceAddress &&
		(input.deliveryToken
			? verpAddress(parseBounceAddress(mail.bounceAddress), input.deliveryToken)
			: mail.bounceAddress);
	return {
		...(returnPath ? { returnPath } : {}),
		...(input.deliveryToken ? { deliveryToken: input.deliveryToken } : {}),
		from: mail.from,
		to: input.to,
		subject: input.subject,
		html: input.html,
		text: input.text,
		date: input.date,
		messageId: messageIdFor(config.secret, input.messageKey, domain),
		headers,
	};
}
