import { env } from "cloudflare:workers";
import { afterAll, describe, expect, inject, it } from "vitest";
import { parseConfig } from "../../../src/core/config.ts";
import { AppError } from "../../../src/core/errors.ts";
import { composeMessage } from "../../../src/core/mail/compose-message.ts";
import { type Mailer, retryAfterSeconds } from "../../../src/core/mail/mailer.ts";
import { createHttpMailer } from "../../../src/core/mail/resend-mailer.ts";
import { createSocketSmtpMailer, smtpOptionsFromUrl } from "../../../src/worker/smtp/socket-mailer.ts";
import { apiAnswers, apiRequestsTo, mailApiUrl, smtpAnswers, smtpMessagesTo } from "./helpers.ts";

const config = parseConfig({ SECRET: env.SECRET, BASE_URL: "http://paperboy.test", MAIL_FROM: env.MAIL_FROM });
let boundaries = 0;
const smtp = createSocketSmtpMailer(smtpOptionsFromUrl(env.SMTP_URL, "paperboy.test"), () => `=_test_${++boundaries}`);
afterAll(() => smtp.close?.());

/** A digest-shaped message: list headers, non-ASCII, long lines, a line that starts with a dot. */
const listMail = (to: string, key: string) =>
	composeMessage(config, {
		to,
		subject: "3 neue Papiere über „Diffusion“ — Woche 47",
		text: `Hallo!\n.a line that starts with a dot\n${"Zustandsraummodelle ".repeat(12)}\nEnde`,
		html: `<p>${"Grüße ".repeat(40)}</p><a href="http://paperboy.test/unsubscribe/t">x</a>`,
		date: new Date("2026-11-23T08:00:00Z"),
		messageKey: key,
		unsubscribeUrl: "http://paperboy.test/unsubscribe/abc",
	});

async function failure(mailer: Mailer, to: string): Promise<AppError> {
	const error = await mailer.send(listMail(to, `fail.${to}`)).then(
		() => undefined,
		(e: unknown) => e,
	);
	if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
	return error;
}

describe("SMTP over cloudflare:sockets", () => {
	it("delivers text, HTML and every header the message carries", async () => {
		const to = "smtp-headers@example.org";
		const message = listMail(to, "digest.1.2026-W47");
		expect(message.messageId).toMatch(/^<[\w-]{32}@paperboy\.test>$/);
		const result = await smtp.send(message);
		expect(result.messageId).toBe(message.messageId);
		const [m] = await smtpMessagesTo(to);
		expect(m?.subject).toBe("3 neue Papiere über „Diffusion“ — Woche 47");
		expect(m?.headers["message-id"]).toBe(message.messageId);
		expect(m?.headers.date).toBe("Mon, 23 Nov 2026 08:00:00 +0000");
		expect(m?.headers.from).toBe("paperboy <digest@paperboy.test>");
		expect(m?.headers["list-unsubscribe"]).toBe("<http://paperboy.test/unsubscribe/abc>");
		expect(m?.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
		expect(m?.headers["list-id"]).toBe("paperboy digest <digest.paperboy.test>");
		expect(m?.headers["auto-submitted"]).toBe("auto-generated");
		expect(m?.text.trimEnd()).toBe(listMail(to, "x").text);
		expect(m?.html).toBe(listMail(to, "x").html);
	});

	it("reports a 5xx for the recipient as rejected and keeps the connection usable", async () => {
		const to = "smtp-550@example.org";
		await smtpAnswers(to, 550, "5.1.1 No such user");
		const error = await failure(smtp, to);
		expect(error.code).toBe("rejected");
		expect(error.message).toContain("550");
		const next = "smtp-after-550@example.org";
		await smtp.send(listMail(next, "after.550"));
		expect(await smtpMessagesTo(next)).toHaveLength(1);
	});

	it("reports a 4xx as unavailable, worth retrying", async () => {
		const to = "smtp-451@example.org";
		await smtpAnswers(to, 451, "4.3.0 Try again later");
		const error = await failure(smtp, to);
		expect(error.code).toBe("unavailable");
		expect(error.message).toContain("451");
	});

	it("reports a server it cannot reach as unavailable", async () => {
		const nowhere = createSocketSmtpMailer(
			smtpOptionsFromUrl("smtp://127.0.0.1:9?tls=off", "paperboy.test"),
			() => "=_b",
		);
		expect((await failure(nowhere, "nobody@example.org")).code).toBe("unavailable");
	});
});

describe("SMTP login", () => {
	const relay = (userinfo: string, query = "") =>
		createSocketSmtpMailer(
			smtpOptionsFromUrl(`smtp://${userinfo}@127.0.0.1:${inject("authSmtpPort")}${query}`, "paperboy.test"),
			() => "=_b",
		);
	const logins = async () =>
		(await (await fetch(`${inject("controlUrl")}/smtp-auth/logins`)).json()) as { accepted: boolean }[];

	it("will not send a password over a connection without TLS unless told ?tls=off", async () => {
		const before = (await logins()).length;
		const error = await failure(relay("paperboy:p%40ss%20w0rd"), "login@example.org");
		expect(error.code).toBe("unavailable");
		expect(error.message).toContain("not sending the password in clear");
		expect(await logins()).toHaveLength(before);
	});

	it("logs in with the URL's percent-encoded credentials", async () => {
		const mailer = relay("paperboy:p%40ss%20w0rd", "?tls=off");
		await mailer.send(listMail("login@example.org", "login.ok"));
		await mailer.close?.();
		expect((await logins()).at(-1)).toMatchObject({ accepted: true });
	});

	it("treats a refused login as our settings, to retry once fixed, not as the reader's fault", async () => {
		const error = await failure(relay("paperboy:wrong", "?tls=off"), "login@example.org");
		expect(error.code).toBe("unavailable");
		expect(error.message).toMatch(/^AUTH PLAIN: 535/);
	});
});

describe("the HTTP mail API (Resend) over fetch", () => {
	const http = createHttpMailer({ apiUrl: mailApiUrl(), token: "test-token", timeoutMs: 5_000 });

	it("sends text, HTML and the headers, keyed by the Message-ID for idempotency", async () => {
		const to = "api-headers@example.org";
		const message = listMail(to, "digest.7.2026-W47");
		const result = await http.send(message);
		expect(result.response).toMatch(/^200 api-\d+$/);
		const [request] = await apiRequestsTo(to);
		expect(request?.headers["idempotency-key"]).toBe(message.messageId.slice(1, -1));
		expect(request?.body.headers).toMatchObject({
			"List-Unsubscribe": "<http://paperboy.test/unsubscribe/abc>",
			"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
			"List-Id": "paperboy digest <digest.paperboy.test>",
			"Auto-Submitted": "auto-generated",
			"Message-ID": message.messageId,
			Date: "Mon, 23 Nov 2026 08:00:00 +0000",
		});
		expect(request?.body.text).toBe(listMail(to, "x").text);
	});

	it.each([
		[422, "rejected"],
		[400, "rejected"],
		[429, "rate_limited"],
		[401, "unavailable"],
		[503, "unavailable"],
	])("maps HTTP %i to %s", async (status, code) => {
		const to = `api-${status}@example.org`;
		await apiAnswers(to, status);
		const error = await failure(http, to);
		expect(error.code).toBe(code);
		expect(error.message).toContain(String(status));
	});

	it("passes on how long a 429 asks us to wait", async () => {
		const to = "api-429-wait@example.org";
		await apiAnswers(to, 429);
		expect(retryAfterSeconds(await failure(http, to))).toBe(30);
	});

	it("reports an API it cannot reach as unavailable", async () => {
		const nowhere = createHttpMailer({ apiUrl: "http://127.0.0.1:9", token: "t", timeoutMs: 5_000 });
		expect((await failure(nowhere, "nobody@example.org")).code).toBe("unavailable");
	});
});
