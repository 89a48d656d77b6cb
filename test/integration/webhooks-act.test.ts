/**
 * Provider webhooks, end to end: digests to a real SMTP sink carry the delivery's token; a
 * signed Resend event, a Postmark event with its basic auth and an SNS-signed SES
 * notification (certificate served over HTTP by the test) name those deliveries; the readers
 * are suppressed and get no more mail. Bad or replayed signatures answer 401 and change nothing.
 */
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/core/web/app.tsx";
import { days, FakeClock, hours } from "../helpers/clock.ts";
import { addPapers, addReaders, paper, readerStatus, weeklyDigests } from "../helpers/readers.ts";
import { createTestRuntime, type TestRuntime } from "../helpers/runtime.ts";
import { type Received, type SmtpSink, startSmtpSink } from "../helpers/smtp-sink.ts";
import {
	type CertificateServer,
	makeSnsKey,
	type SnsKey,
	signSns,
	snsNotification,
	startCertificateServer,
	topicArn,
} from "../helpers/sns-signer.ts";
import { readWebhookFixture } from "../helpers/webhook-fixtures.ts";

const resendSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const postmark = { user: "postmark-hook", password: "a-long-postmark-hook-password" };

let sink: SmtpSink;
let certificates: CertificateServer;
let key: SnsKey;
let rt: TestRuntime;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
	key = makeSnsKey(2);
	[sink, certificates] = await Promise.all([startSmtpSink(), startCertificateServer(key.certificatePem)]);
	// The certificate is valid from openssl's now: the clock starts just after.
	const clock = new FakeClock(new Date(new Date(key.certificate.validFrom).getTime() + 60_000));
	rt = await createTestRuntime(
		{
			SMTP_URL: sink.url,
			RESEND_WEBHOOK_SECRET: resendSecret,
			POSTMARK_WEBHOOK_USER: postmark.user,
			POSTMARK_WEBHOOK_PASSWORD: postmark.password,
			SES_TOPIC_ARNS: topicArn,
		},
		{ clock },
	);
	app = createApp(rt.deps.config, { deps: () => rt.deps, fetch: certificates.fetch });
});
afterAll(async () => {
	await rt?.dispose();
	await Promise.all([sink?.close(), certificates?.close()]);
});

const readers = {
	bounced: "bounced.reader@example.org",
	complained: "complained.reader@example.org",
	ses: "ses.reader@example.org",
	fine: "fine.reader@example.org",
};

const tokenOf = (mail: Received) => String(mail.parsed.headers.get("x-paperboy-delivery"));

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
	app.request(path, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });

function resendRequest(mail: Received, id: string) {
	const event = JSON.parse(readWebhookFixture("resend-email-bounced.json"));
	event.data.to = [mail.envelopeTo[0]];
	event.data.tags["paperboy-delivery"] = tokenOf(mail);
	const body = JSON.stringify(event);
	const signature = new Webhook(resendSecret).sign(id, rt.clock.now(), body);
	const timestamp = String(Math.floor(rt.clock.now().getTime() / 1000));
	return { body, headers: { "svix-id": id, "svix-timestamp": timestamp, "svix-signature": signature } };
}

function postmarkComplaint(mail: Received) {
	const event = JSON.parse(readWebhookFixture("postmark-spam-complaint.json"));
	event.Email = mail.envelopeTo[0];
	event.Metadata["paperboy-delivery"] = tokenOf(mail);
	return JSON.stringify(event);
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

function sesNotification(mail: Received) {
	const message = JSON.parse(readWebhookFixture("ses-event-bounce-tags.json"));
	message.mail.tags["paperboy-delivery"] = [tokenOf(mail)];
	return JSON.stringify(signSns(key, snsNotification(JSON.stringify(message), rt.clock.now())));
}

const suppressed = async () =>
	(await rt.deps.db.selectFrom("suppressions").select("email").orderBy("email").execute()).map((r) => r.email);

describe("provider webhooks act on the delivery they name", () => {
	it("suppress on verified events only, refuse replays, and the next digest skips those readers", async () => {
		await addReaders(rt, Object.fromEntries(Object.values(readers).map((email) => [email, "state space models"])));
		rt.clock.advance(hours(1));
		const week1 = await weeklyDigests(rt, sink);
		expect(week1.size).toBe(4);
		const mailTo = (email: string) => week1.get(email) as Received;
		// Postmark and SES echo the token back from headers we add; its value is the return path's.
		expect(mailTo(readers.fine).parsed.headers.get("x-pm-metadata-paperboy-delivery")).toBe(
			tokenOf(mailTo(readers.fine)),
		);

		// Resend: a bad signature, then the real one, then the same request again.
		const resend = resendRequest(mailTo(readers.bounced), "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W");
		const tampered = await post("/webhooks/resend", resend.body.replace("Permanent", "Transient"), resend.headers);
		expect(tampered.status).toBe(401);
		expect(await tampered.text()).toBe("");
		expect(await suppressed()).toEqual([]);
		expect((await post("/webhooks/resend", resend.body, resend.headers)).status).toBe(204);
		expect(await suppressed()).toEqual([readers.bounced]);
		expect((await post("/webhooks/resend", resend.body, resend.headers)).status).toBe(401);

		// Postmark: wrong credentials change nothing; the right ones unsubscribe the complainer.
		const complaint = postmarkComplaint(mailTo(readers.complained));
		const wrong = await post("/webhooks/postmark", complaint, { authorization: basic(postmark.user, "guess") });
		expect(wrong.status).toBe(401);
		expect(await readerStatus(rt, readers.complained)).toBe("active");
		const right = await post("/webhooks/postmark", complaint, {
			authorization: basic(postmark.user, postmark.password),
		});
		expect(right.status).toBe(204);
		expect(await readerStatus(rt, readers.complained)).toBe("unsubscribed");

		// SES through SNS: the subscription is confirmed, then a signed bounce notification acts.
		const confirmation = JSON.parse(readWebhookFixture("sns-subscription-confirmation.json"));
		const subscribe = new URL(confirmation.SubscribeURL);
		certificates.routes.set(`${subscribe.pathname}${subscribe.search}`, {
			status: 200,
			body: "<ConfirmSubscriptionResponse/>",
		});
		confirmation.Timestamp = rt.clock.now().toISOString();
		expect((await post("/webhooks/ses", JSON.stringify(signSns(key, confirmation)))).status).toBe(204);
		expect(certificates.requests).toContain(`${subscribe.pathname}${subscribe.search}`);
		const notification = sesNotification(mailTo(readers.ses));
		const foreign = notification.replaceAll(topicArn, topicArn.replace("123456789012", "999999999999"));
		expect((await post("/webhooks/ses", foreign)).status).toBe(401);
		expect((await post("/webhooks/ses", notification)).status).toBe(204);
		expect(await suppressed()).toEqual([readers.bounced, readers.complained, readers.ses]);

		// Next week only the reader whose mail arrives gets a digest.
		rt.clock.advance(days(7));
		await addPapers(rt, [paper("2612.00003", "State space models in the wild", "More state space models.")]);
		rt.clock.advance(hours(1));
		expect([...(await weeklyDigests(rt, sink)).keys()]).toEqual([readers.fine]);
	});

	it("answers 404 for a provider whose settings are unset", async () => {
		const bare = await createTestRuntime({}, { papers: "none" });
		try {
			expect((await bare.app.request("/webhooks/resend", { method: "POST", body: "{}" })).status).toBe(404);
		} finally {
			await bare.dispose();
		}
	});
});
