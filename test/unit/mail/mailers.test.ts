import { generateKeyPairSync } from "node:crypto";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parseConfig } from "../../../src/core/config.ts";
import { composeMessage } from "../../../src/core/mail/compose-message.ts";
import { createSmtpPoolMailer } from "../../../src/node/smtp-pool-mailer.ts";

let server: SMTPServer;
let port = 0;
const received: string[] = [];

beforeAll(async () => {
	server = new SMTPServer({
		authOptional: true,
		disableReverseLookup: true,
		logger: false,
		onData(stream, _session, callback) {
			const chunks: Buffer[] = [];
			stream.on("data", (c: Buffer) => chunks.push(c));
			stream.on("end", () => {
				received.push(Buffer.concat(chunks).toString("utf8"));
				callback();
			});
		},
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	port = (server.server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

it("DKIM-signs the built message when DKIM is configured", async () => {
	const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
	const config = parseConfig({
		SECRET: "test-secret-0123456789abcdef0123456789abcdef",
		SMTP_URL: `smtp://127.0.0.1:${port}?tls=off`,
		BASE_URL: "https://paperboy.example",
		MAIL_FROM: "paperboy <digest@paperboy.example>",
		DKIM_DOMAIN: "paperboy.example",
		DKIM_SELECTOR: "pb1",
		DKIM_PRIVATE_KEY: privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
	});
	const mailer = createSmtpPoolMailer(config.mail);
	await mailer.send(
		composeMessage(config, {
			to: "ann@example.org",
			subject: "1 new paper on diffusion",
			html: "<p>.ok</p>",
			text: "Hello",
			date: new Date("2026-11-23T09:00:00Z"),
			messageKey: "digest.1.weekly.2026-W48",
			unsubscribeUrl: "https://paperboy.example/unsubscribe/x",
		}),
	);
	await mailer.close?.();
	const raw = received[0] ?? "";
	expect(raw).toMatch(/^DKIM-Signature: v=1; a=rsa-sha256; c=relaxed\/relaxed; d=paperboy\.example;/m);
	expect(raw).toMatch(/s=pb1/);
	expect(raw.split("\r\n\r\n")[0]).toMatch(/h=[^;]*List-Unsubscribe-Post/i);
	expect((await simpleParser(raw)).text).toBe("Hello");
});

it("gives digests a VERP return path and other mail the bare bounce address; provider headers only with their webhooks", () => {
	const message = (env: Record<string, string>, deliveryToken?: string) =>
		composeMessage(
			parseConfig({
				SECRET: "test-secret-0123456789abcdef0123456789abcdef",
				BOUNCE_ADDRESS: "bounces@paperboy.example",
				...env,
			}),
			{
				to: "ann@example.org",
				subject: "s",
				html: "<p>h</p>",
				text: "t",
				date: new Date("2026-11-23T09:00:00Z"),
				messageKey: "k.1",
				...(deliveryToken ? { deliveryToken } : {}),
			},
		);
	const token = "42_abcdefghijklmnopqrstuv";
	expect(message({}).returnPath).toBe("bounces@paperboy.example");
	const digest = message({}, token);
	expect(digest).toMatchObject({ returnPath: `bounces+${token}@paperboy.example`, deliveryToken: token });
	expect(Object.keys(digest.headers).filter((h) => /delivery|X-PM|X-SES/i.test(h))).toEqual([]);
	const marked = message({ SES_TOPIC_ARNS: "arn:aws:sns:eu-west-1:123456789012:feedback" }, token);
	expect(marked.headers).toMatchObject({
		"X-Paperboy-Delivery": token,
		"X-SES-MESSAGE-TAGS": `paperboy-delivery=${token}`,
	});
	expect(message({ BOUNCE_ADDRESS: "" }, token).returnPath).toBeUndefined();
});
