import { AppError } from "../errors.ts";

/**
 * The bounce address (BOUNCE_ADDRESS, e.g. `bounces@paperboy.example`) and its VERP forms
 * (`bounces+TOKEN@paperboy.example`): each digest goes out with its own return path, so a
 * bounce names its delivery by the address it was sent to, not by what its text claims.
 * Runtime-free on purpose: the sending side can build return paths with `verpAddress`.
 */

export interface BounceAddress {
	local: string;
	domain: string;
}

/** A delivery token: base64url, as long as a random id of 96 to 768 bits can make it. */
const tokenPattern = /^[A-Za-z0-9_-]{16,128}$/;

/** Whether `value` has the shape of a delivery token (it may still name no delivery). */
export const isDeliveryToken = (value: string): boolean => tokenPattern.test(value);

export function parseBounceAddress(address: string): BounceAddress {
	const trimmed = address.trim();
	const at = trimmed.lastIndexOf("@");
	const local = trimmed.slice(0, at);
	const domain = trimmed.slice(at + 1).toLowerCase();
	if (at < 1 || !domain.includes(".") || /[\s<>"+@]/.test(local) || /[^a-z0-9.-]/.test(domain)) {
		throw new AppError("config", `BOUNCE_ADDRESS must be a plain address like bounces@example.org (got "${address}")`);
	}
	return { local, domain };
}

export function verpAddress(bounce: BounceAddress, token: string): string {
	if (!isDeliveryToken(token)) throw new AppError("invalid_input", "A VERP token is 16-128 base64url characters");
	return `${bounce.local}+${token}@${bounce.domain}`;
}

/** Splits `local+tag@domain` when local and domain are the bounce address's; undefined otherwise. */
function matchBounce(address: string, bounce: BounceAddress): { tag?: string } | undefined {
	const trimmed = address.trim().replace(/^<(.*)>$/, "$1");
	const at = trimmed.lastIndexOf("@");
	if (at < 1 || trimmed.slice(at + 1).toLowerCase() !== bounce.domain) return undefined;
	const local = trimmed.slice(0, at);
	const plus = local.indexOf("+");
	const base = plus < 0 ? local : local.slice(0, plus);
	// Mail systems may change the case of a local part; the token's case is kept as it came.
	if (base.toLowerCase() !== bounce.local.toLowerCase()) return undefined;
	return plus < 0 ? {} : { tag: local.slice(plus + 1) };
}

/** Whether mail to `address` is mail for the bounce address (bare or any `+tag` form). */
export function isBounceRecipient(address: string, bounce: BounceAddress): boolean {
	return matchBounce(address, bounce) !== undefined;
}

/** The delivery token of a VERP address of ours, or undefined (other address, malformed tag). */
export function verpTokenOf(address: string, bounce: BounceAddress): string | undefined {
	const tag = matchBounce(address, bounce)?.tag;
	return tag !== undefined && isDeliveryToken(tag) ? tag : undefined;
}
