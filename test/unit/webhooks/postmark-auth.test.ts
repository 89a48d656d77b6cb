import { describe, expect, it } from "vitest";
import { verifyPostmarkWebhook } from "../../../src/core/webhooks/postmark-auth.ts";

const basic = (credentials: string) => `Basic ${Buffer.from(credentials, "utf8").toString("base64")}`;
const user = "postmark";
const password = "s3cr3t:with:colons-and-ünïcode";

describe("Postmark webhook credentials (basic auth on the hook URL)", () => {
	it("accepts the user and password of the hook URL", () => {
		expect(verifyPostmarkWebhook(basic(`${user}:${password}`), user, password)).toBe(true);
		expect(verifyPostmarkWebhook(basic(`${user}:${password}`).replace("Basic", "basic"), user, password)).toBe(true);
	});

	it("refuses a wrong user, a wrong or partial password, and no credentials", () => {
		for (const header of [
			basic(`Postmark:${password}`),
			basic(`${user}:${password.slice(0, -1)}`),
			basic(`${user}:${password}x`),
			basic(`${user}:`),
			basic(`:${password}`),
			basic(`${user}${password}`),
			basic(password),
			`Bearer ${Buffer.from(`${user}:${password}`).toString("base64")}`,
			"Basic not*base64",
			`Basic ${Buffer.from([0x70, 0x3a, 0xff, 0xfe]).toString("base64")}`,
			"",
			null,
			undefined,
		]) {
			expect(verifyPostmarkWebhook(header, user, password), String(header)).toBe(false);
		}
	});

	it("matches nothing while the expected credentials are not set", () => {
		expect(verifyPostmarkWebhook(basic(":"), "", "")).toBe(false);
		expect(verifyPostmarkWebhook(basic(`${user}:`), user, "")).toBe(false);
	});
});
