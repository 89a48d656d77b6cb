import * as z from "zod";

// Dots include the ideographic full stops that IDNA maps to ".".
const domainCharacters = /^[\p{L}\p{M}\p{N}.\u3002\uFF0E\uFF61-]+$/u;

// zod's default email pattern, except that the top-level domain may be an internationalised
// one in punycode (`.xn--p1ai` is `.рф`), which the default refuses.
const emailPattern =
	/^(?!\.)(?!.*\.\.)[A-Za-z0-9_'+\-.]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;
const emailSchema = z.email({ pattern: emailPattern });

/**
 * Trims, lower-cases and punycodes the domain; the local part is kept as typed (it is
 * case-sensitive by the RFC; the database compares it case-insensitively). Returns
 * undefined for anything that is not a deliverable-looking address.
 */
export function normaliseEmail(input: string): string | undefined {
	const trimmed = input.trim();
	const at = trimmed.lastIndexOf("@");
	if (at < 1 || at === trimmed.length - 1) return undefined;
	const local = trimmed.slice(0, at);
	const typedDomain = trimmed.slice(at + 1);
	// The URL parser below would quietly drop a port, path, query or %-escape
	// (`a@example.org/x` -> `a@example.org`): only letters, digits, hyphens and dots may pass.
	if (!domainCharacters.test(typedDomain)) return undefined;
	let domain: string;
	try {
		// WHATWG URL applies IDNA (UTS #46): lower-cases and punycodes the domain.
		domain = new URL(`http://${typedDomain}`).hostname;
	} catch {
		return undefined;
	}
	if (!domain.includes(".") || domain.endsWith(".")) return undefined;
	const email = `${local}@${domain}`;
	return email.length <= 254 && emailSchema.safeParse(email).success ? email : undefined;
}

/**
 * Providers that deliver `a.b@` and `ab@` to one mailbox, and the domain their addresses
 * share (docs/security.md lists them). Elsewhere a dot is part of the mailbox's name.
 */
export const dotlessProviders: ReadonlyMap<string, string> = new Map([
	["gmail.com", "gmail.com"],
	["googlemail.com", "gmail.com"],
]);

/**
 * The mailbox an address delivers to, for limits that must not be sidestepped by variants
 * of one address: lower-cased, without a `+tag`, and without dots where the provider ignores
 * them. Only limits use it; the address stays stored and mailed as typed.
 */
export function canonicalMailbox(email: string): string {
	const at = email.lastIndexOf("@");
	let local = email.slice(0, at).toLowerCase();
	let domain = email.slice(at + 1).toLowerCase();
	const plus = local.indexOf("+");
	if (plus > 0) local = local.slice(0, plus);
	const shared = dotlessProviders.get(domain);
	if (shared) {
		local = local.replaceAll(".", "");
		domain = shared;
	}
	return `${local}@${domain}`;
}
