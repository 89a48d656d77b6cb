import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/core/config.ts";
import { testSecret as secret } from "../helpers/runtime.ts";

const problem = (env: Record<string, string>) => {
	try {
		parseConfig({ SECRET: secret, ...env });
		return undefined;
	} catch (error) {
		return (error as Error).message;
	}
};

describe("bounce, webhook and alarm settings", () => {
	it("stop the start with a message naming the setting", () => {
		expect(problem({ BOUNCE_ADDRESS: "bounces+x@paperboy.example" })).toContain(
			"BOUNCE_ADDRESS: must be a plain address",
		);
		expect(problem({ BOUNCE_SMTP_PORT: "2525" })).toContain("BOUNCE_ADDRESS: required with BOUNCE_SMTP_PORT");
		expect(problem({ BOUNCE_IMAP_URL: "https://imap.example.org" })).toContain("BOUNCE_IMAP_URL");
		expect(problem({ RESEND_WEBHOOK_SECRET: "whsec_not base64!" })).toContain("RESEND_WEBHOOK_SECRET: must be");
		expect(problem({ SES_TOPIC_ARNS: "arn:aws:sns:eu-west-1:123:short" })).toContain("SES_TOPIC_ARNS");
		expect(problem({ ADMIN_EMAIL: "ops" })).toContain("ADMIN_EMAIL");
	});

	it("turn features on as documented", () => {
		const config = parseConfig({
			SECRET: secret,
			BOUNCE_ADDRESS: "Bounces@Paperboy.example",
			BOUNCE_SMTP_PORT: "2525",
			POSTMARK_WEBHOOK_USER: "postmark-hook",
			POSTMARK_WEBHOOK_PASSWORD: "a-long-postmark-hook-password",
		});
		expect(config.mail).toMatchObject({ bounceAddress: "Bounces@Paperboy.example", deliveryHeaders: true });
		expect(config.bounces).toMatchObject({ smtpPort: 2525, smtpHost: "127.0.0.1", softLimit: 3, softDays: 30 });
		expect(config.staleAfterHours).toBe(48);
		expect(parseConfig({ SECRET: secret }).mail.deliveryHeaders).toBe(false);
	});
});
