import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deliveryIdOf, deliveryTokenFor } from "../../../src/core/bounces/delivery-token.ts";
import { isDeliveryToken, verpAddress, verpTokenOf } from "../../../src/core/bounces/verp.ts";

const secret = "a-secret-of-at-least-32-characters-here";
const bounce = { local: "bounces", domain: "paperboy.example" };

describe("delivery tokens", () => {
	it("name their delivery through a VERP address and back, under the same SECRET only", () => {
		const token = deliveryTokenFor(secret, 4711);
		expect(isDeliveryToken(token)).toBe(true);
		const back = verpTokenOf(verpAddress(bounce, token), bounce);
		expect(back && deliveryIdOf(secret, back)).toBe(4711);
		expect(deliveryIdOf("another-secret-of-at-least-32-characters", token)).toBeUndefined();
	});

	it("refuse any token that was not made here: another id, a changed character, other shapes", () => {
		const token = deliveryTokenFor(secret, 12);
		expect(deliveryIdOf(secret, token.replace(/^12_/, "13_"))).toBeUndefined();
		expect(deliveryIdOf(secret, `${token}x`)).toBeUndefined();
		expect(deliveryIdOf(secret, token.toLowerCase())).toBeUndefined();
		fc.assert(
			fc.property(fc.string({ maxLength: 60 }), (text) => {
				fc.pre(text !== token);
				expect(deliveryIdOf(secret, text)).toBeUndefined();
			}),
		);
	});
});
