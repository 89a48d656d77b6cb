import { isDeliveryToken } from "../bounces/verp.ts";
import { AppError } from "../errors.ts";

/**
 * How a provider's event names our delivery: the sender puts the delivery's token (the same
 * one as in its VERP return path) where each provider echoes it back in its webhooks.
 *
 * - Resend (HTTP API): a tag `{ name: "paperboy-delivery", value: TOKEN }`; events carry
 *   `data.tags["paperboy-delivery"]`.
 * - Postmark (SMTP or API): the header `X-PM-Metadata-paperboy-delivery: TOKEN` (or API
 *   `Metadata`); events carry `Metadata["paperboy-delivery"]`. Postmark removes the header.
 * - Amazon SES (SMTP or API): `X-SES-MESSAGE-TAGS: paperboy-delivery=TOKEN` shows in event
 *   publishing (`mail.tags`); `X-Paperboy-Delivery: TOKEN` shows in notifications that
 *   include the original headers (`mail.headers`). SES removes X-SES-* headers.
 *
 * The token is no secret from the reader: it is already in the return path of their copy.
 */

export const deliveryTagName = "paperboy-delivery";
export const deliveryHeader = "X-Paperboy-Delivery";

function checked(token: string): string {
	// Also keeps anything but base64url (a line break, say) out of the headers.
	if (!isDeliveryToken(token)) throw new AppError("invalid_input", "A delivery token is 16-128 base64url characters");
	return token;
}

/** Headers to add to a digest so that Postmark and SES events name its delivery. */
export function deliveryHeaders(token: string): Record<string, string> {
	checked(token);
	return {
		[deliveryHeader]: token,
		[`X-PM-Metadata-${deliveryTagName}`]: token,
		"X-SES-MESSAGE-TAGS": `${deliveryTagName}=${token}`,
	};
}

/** Resend's `tags` for POST /emails. */
export const resendDeliveryTags = (token: string) => [{ name: deliveryTagName, value: checked(token) }];

/** The value under `name` (any case) in a provider's string map, when it is a delivery token. */
export function tokenIn(map: unknown, name = deliveryTagName): string | undefined {
	if (!map || typeof map !== "object") return undefined;
	for (const [key, value] of Object.entries(map)) {
		if (key.toLowerCase() !== name.toLowerCase()) continue;
		// SES tags are lists of values; Resend and Postmark give one string.
		const first: unknown = Array.isArray(value) ? value[0] : value;
		if (typeof first === "string" && isDeliveryToken(first.trim())) return first.trim();
	}
	return undefined;
}
