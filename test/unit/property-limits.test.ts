import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clientKey } from "../../src/core/client-key.ts";
import { canonicalMailbox, normaliseEmail } from "../../src/core/subscriptions/email.ts";
import { hostileText } from "../helpers/hostile.ts";

const localChar = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789_-'");
const localPart = fc.array(localChar, { minLength: 1, maxLength: 12 }).map((cs) => cs.join(""));
const tag = fc
	.array(fc.oneof(localChar, fc.constant("+"), fc.constant(".")), { maxLength: 8 })
	.map((cs) => cs.join(""));

/** Another spelling of the same mailbox: case changed, a +tag, and at Gmail dots anywhere. */
const variantOf = (local: string, domain: string) =>
	fc
		.tuple(
			fc.array(fc.boolean(), { minLength: local.length, maxLength: local.length }),
			fc.array(fc.boolean(), { minLength: local.length, maxLength: local.length }),
			fc.option(tag, { nil: undefined }),
			fc.boolean(),
		)
		.map(([upper, dots, plus, upperDomain]) => {
			const dotted = [...local]
				.map((c, i) => {
					const cased = upper[i] ? c.toUpperCase() : c;
					return domain.endsWith("gmail.com") && dots[i] && i > 0 ? `.${cased}` : cased;
				})
				.join("");
			return `${dotted}${plus === undefined ? "" : `+${plus}`}@${upperDomain ? domain.toUpperCase() : domain}`;
		});

describe("the canonical mailbox that limits key on", () => {
	it("is the same for every variant of one address, and idempotent", () => {
		const domain = fc.constantFrom("gmail.com", "googlemail.com", "example.org", "Bücher.example");
		fc.assert(
			fc.property(
				localPart,
				domain.chain((d) => fc.tuple(fc.constant(d), localPart)),
				(local, [d]) => {
					const base = normaliseEmail(`${local}@${d}`);
					fc.pre(base !== undefined);
					const key = canonicalMailbox(base as string);
					expect(canonicalMailbox(key)).toBe(key);
					fc.assert(
						fc.property(variantOf(local, d), (variant) => {
							const email = normaliseEmail(variant);
							if (email) expect(canonicalMailbox(email)).toBe(key);
						}),
						{ numRuns: 20 },
					);
				},
			),
			{ numRuns: 100 },
		);
	});

	it("keeps dots where the provider does not ignore them, and never throws", () => {
		expect(canonicalMailbox("first.last@example.org")).not.toBe(canonicalMailbox("firstlast@example.org"));
		fc.assert(
			fc.property(hostileText, (text) => {
				const email = normaliseEmail(text);
				if (email) expect(canonicalMailbox(email)).toMatch(/@/);
			}),
		);
	});
});

describe("the client network that per-client limits key on", () => {
	const group = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16));
	const groups = fc.array(group, { minLength: 8, maxLength: 8 });

	it("is one key for every address of an IPv6 /64, however it is written", () => {
		fc.assert(
			fc.property(groups, groups, fc.boolean(), fc.boolean(), (a, b, padded, compressed) => {
				const sameNet = [...a.slice(0, 4), ...b.slice(4)];
				const write = (gs: string[]) => {
					const parts = padded ? gs.map((g) => g.padStart(4, "0")) : gs;
					const text = parts.join(":");
					// `::` for the longest run of zero groups, as an address may be written.
					return compressed ? text.replace(/(^|:)(0{1,4}:)+0{1,4}(:|$)/, "::") : text;
				};
				expect(clientKey(write(sameNet))).toBe(clientKey(write(a)));
				const otherNet = [
					...a.slice(0, 3),
					((Number.parseInt(a[3] ?? "0", 16) + 1) % 0x10000).toString(16),
					...b.slice(4),
				];
				expect(clientKey(write(otherNet))).not.toBe(clientKey(write(a)));
			}),
		);
	});

	it("is the address itself for IPv4, and bounded for anything else", () => {
		const byte = fc.integer({ min: 0, max: 255 });
		fc.assert(
			fc.property(fc.tuple(byte, byte, byte, byte), (bytes) => {
				const ip = bytes.join(".");
				expect(clientKey(ip)).toBe(ip);
				expect(clientKey(`::ffff:${ip}`)).toBe(ip);
			}),
		);
		fc.assert(
			fc.property(hostileText, (text) => {
				expect(clientKey(text)?.length ?? 0).toBeLessThanOrEqual(64);
			}),
		);
	});
});
