import { hmacBase64Url, timingSafeEqual } from "../crypto.ts";

/**
 * The token that names a delivery in its VERP return path and provider tags: the delivery's
 * id and a MAC of it under SECRET (`123_` + 22 base64url characters, 128 bits). Nothing is
 * stored: a bounce is checked by computing the MAC again, so a guessed or edited token names
 * no delivery (docs/decisions/070-verp-tokens-sign-the-delivery.md).
 */
const macLength = 22;

const macFor = (secret: string, id: number) => hmacBase64Url(secret, `bounce:${id}`).slice(0, macLength);

export const deliveryTokenFor = (secret: string, deliveryId: number): string =>
	`${deliveryId}_${macFor(secret, deliveryId)}`;

/** The delivery id a token names, or undefined when it was not made under this SECRET. */
export function deliveryIdOf(secret: string, token: string): number | undefined {
	const match = /^([1-9]\d{0,14})_([A-Za-z0-9_-]{22})$/.exec(token);
	if (!match) return undefined;
	const id = Number(match[1]);
	return timingSafeEqual(match[2] as string, macFor(secret, id)) ? id : undefined;
}
