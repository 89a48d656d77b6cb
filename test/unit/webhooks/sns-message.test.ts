import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryReplayStore } from "../../../src/core/webhooks/replay-store.ts";
import { sesMessageReport } from "../../../src/core/webhooks/ses-events.ts";
import { createSnsCertificates, isSnsUrl } from "../../../src/core/webhooks/sns-certificates.ts";
import { verifySnsMessage } from "../../../src/core/webhooks/sns-message.ts";
import { FakeClock, hours, minutes } from "../../helpers/clock.ts";
import {
	type CertificateServer,
	certificatePath,
	certificateUrl,
	makeSnsKey,
	type SnsKey,
	signSns,
	snsNotification,
	snsStringToSign,
	startCertificateServer,
	topicArn,
} from "../../helpers/sns-signer.ts";
import { expectedWebhookReport, readWebhookFixture, webhookFixtures } from "../../helpers/webhook-fixtures.ts";

let key: SnsKey;
let server: CertificateServer;
beforeAll(async () => {
	key = makeSnsKey(2);
	server = await startCertificateServer(key.certificatePem);
});
afterAll(() => server.close());

/** Time starts a minute after the test certificate became valid. */
function setup() {
	const clock = new FakeClock(new Date(new Date(key.certificate.validFrom).getTime() + minutes(1)));
	const replays = createMemoryReplayStore();
	const certificates = createSnsCertificates({ fetch: server.fetch });
	const verify = (message: object) =>
		verifySnsMessage(JSON.stringify(message), { topicArns: [topicArn], certificates, replays, now: clock.now() });
	return { clock, replays, certificates, verify };
}

const sesBounce = readWebhookFixture("ses-bounce-permanent-dsn.json");

describe("SNS message signatures", () => {
	it.each(["1", "2"] as const)("accepts a Notification signed with SignatureVersion %s", async (version) => {
		const { clock, verify } = setup();
		const message = snsNotification(sesBounce, clock.now(), { Subject: "Amazon SES Email Event Notification" });
		const verdict = await verify(signSns(key, message, version));
		expect(verdict).toEqual({
			ok: true,
			replayKey: `sns:${message.MessageId}`,
			value: {
				type: "Notification",
				messageId: message.MessageId,
				topicArn,
				message: sesBounce,
				subject: "Amazon SES Email Event Notification",
				timestamp: clock.now(),
			},
		});
	});

	it("turns the SES notification inside a verified message into its bounce report", async () => {
		const { clock, verify } = setup();
		for (const fixture of webhookFixtures.filter((f) => f.provider === "ses")) {
			const verdict = await verify(signSns(key, snsNotification(readWebhookFixture(fixture.file), clock.now())));
			if (!verdict.ok) throw new Error(`${fixture.file}: ${verdict.reason}`);
			expect(sesMessageReport(verdict.value.message)).toStrictEqual(expectedWebhookReport(fixture));
		}
	});

	it("hands back the SubscribeURL of a SubscriptionConfirmation, and verifies an UnsubscribeConfirmation", async () => {
		const { clock, verify } = setup();
		const confirmation = { ...JSON.parse(readWebhookFixture("sns-subscription-confirmation.json")) };
		confirmation.Timestamp = clock.now().toISOString();
		const verdict = await verify(signSns(key, confirmation, "1"));
		expect(verdict).toMatchObject({
			ok: true,
			value: { type: "SubscriptionConfirmation", subscribeUrl: confirmation.SubscribeURL },
		});
		const unsubscribed = {
			...confirmation,
			Type: "UnsubscribeConfirmation",
			MessageId: "47138184-6831-46b8-8f7c-afc488602d7d",
		};
		expect(await verify(signSns(key, unsubscribed, "2"))).toMatchObject({
			ok: true,
			value: { type: "UnsubscribeConfirmation" },
		});
		expect((await verify(signSns(key, unsubscribed, "2"))).ok).toBe(false);
	});

	it("refuses a message whose signed fields changed, or that another key signed", async () => {
		const { clock, verify } = setup();
		const signed = signSns(key, snsNotification(sesBounce, clock.now(), { Subject: "SES" }));
		for (const change of [
			{ Message: sesBounce.replace("Permanent", "Transient") },
			{ Subject: "SES!" },
			{ Subject: undefined },
			{ MessageId: "another-message-id" },
			{ Timestamp: new Date(clock.now().getTime() + 1).toISOString() },
			{ SignatureVersion: "1" },
			{ Signature: `A${signed.Signature?.slice(1)}` },
			{ Signature: "not base64!" },
		]) {
			expect(await verify({ ...signed, ...change }), JSON.stringify(change)).toEqual({
				ok: false,
				reason: "bad_signature",
			});
		}
		const stranger = makeSnsKey(2);
		const forged = signSns(
			{ ...stranger, certificatePem: key.certificatePem },
			snsNotification(sesBounce, clock.now()),
		);
		expect(await verify(forged)).toEqual({ ok: false, reason: "bad_signature" });
	});

	it("refuses a topic that is not ours before fetching any certificate", async () => {
		const { clock, verify } = setup();
		const before = server.requests.length;
		const theirs = snsNotification(sesBounce, clock.now(), { TopicArn: "arn:aws:sns:eu-west-1:999999999999:theirs" });
		expect(await verify(signSns(key, theirs))).toEqual({ ok: false, reason: "unknown_topic" });
		expect(server.requests.length).toBe(before);
	});

	it("refuses a certificate or subscribe URL that is not https on sns.<region>.amazonaws.com, without fetching it", async () => {
		const { clock, verify } = setup();
		const before = server.requests.length;
		const elsewhere = `https://attacker.example${certificatePath}`;
		expect(await verify(signSns(key, snsNotification(sesBounce, clock.now()), "2", elsewhere))).toEqual({
			ok: false,
			reason: "untrusted_url",
		});
		const confirmation = JSON.parse(readWebhookFixture("sns-subscription-confirmation.json"));
		confirmation.Timestamp = clock.now().toISOString();
		confirmation.SubscribeURL = "https://attacker.example/?Action=ConfirmSubscription";
		expect(await verify(signSns(key, confirmation))).toEqual({ ok: false, reason: "untrusted_url" });
		expect(server.requests.length).toBe(before);
	});

	it("refuses a message older or newer than an hour", async () => {
		const { clock, verify } = setup();
		const sent = clock.now();
		clock.advance(hours(1) + 1);
		expect(await verify(signSns(key, snsNotification(sesBounce, sent)))).toEqual({ ok: false, reason: "expired" });
		const ahead = new Date(clock.now().getTime() + hours(1) + 1);
		expect(await verify(signSns(key, snsNotification(sesBounce, ahead)))).toEqual({ ok: false, reason: "expired" });
		// SNS retries with the first attempt's Timestamp: a retry 59 minutes later still counts.
		const retried = new Date(clock.now().getTime() - minutes(59));
		expect((await verify(signSns(key, snsNotification(sesBounce, retried)))).ok).toBe(true);
	});

	it("refuses the same MessageId again within the hour, unless handling it failed", async () => {
		const { clock, replays, verify } = setup();
		const message = signSns(key, snsNotification(sesBounce, clock.now()));
		const first = await verify(message);
		expect(first.ok).toBe(true);
		clock.advance(minutes(10));
		expect(await verify(message)).toEqual({ ok: false, reason: "replayed" });
		if (first.ok) await replays.forget(first.replayKey);
		expect((await verify(message)).ok).toBe(true);
	});

	it("refuses what is not an SNS message", async () => {
		const { clock, verify } = setup();
		const signed = signSns(key, snsNotification(sesBounce, clock.now()));
		const confirmation = signSns(key, { ...JSON.parse(readWebhookFixture("sns-subscription-confirmation.json")) });
		const { Token: _, ...withoutToken } = confirmation;
		for (const bad of [
			{ ...signed, Type: "Reminder" },
			{ ...signed, SignatureVersion: "3" },
			{ ...signed, Timestamp: "yesterday" },
			{ ...signed, Message: { nested: true } },
			withoutToken,
			[signed],
		]) {
			expect(await verify(bad)).toEqual({ ok: false, reason: "malformed" });
		}
		const { certificates, replays } = setup();
		const options = { topicArns: [topicArn], certificates, replays, now: clock.now() };
		expect(await verifySnsMessage("{", options)).toEqual({ ok: false, reason: "malformed" });
	});

	it("fails, or verifies the very same signed content, whatever byte of the body is changed", async () => {
		const { clock, certificates } = setup();
		const message = signSns(key, snsNotification(sesBounce, clock.now(), { Subject: "SES" }));
		const body = new TextEncoder().encode(JSON.stringify(message));
		const decoder = new TextDecoder();
		await fc.assert(
			fc.asyncProperty(fc.nat({ max: body.length - 1 }), fc.integer({ min: 1, max: 255 }), async (index, flip) => {
				const tampered = body.slice();
				tampered[index] = (tampered[index] ?? 0) ^ flip;
				const options = { topicArns: [topicArn], certificates, replays: createMemoryReplayStore(), now: clock.now() };
				const verdict = await verifySnsMessage(decoder.decode(tampered), options);
				if (verdict.ok) {
					// Only bytes the signature does not cover changed (the UnsubscribeURL, say).
					const fields = JSON.parse(decoder.decode(tampered));
					expect(snsStringToSign(fields)).toBe(snsStringToSign(message));
				}
			}),
			{ numRuns: 300 },
		);
	});
});

describe("SNS signing certificates", () => {
	it("fetches a certificate once and keeps it", async () => {
		const { clock, verify } = setup();
		const before = server.requests.filter((path) => path === certificatePath).length;
		for (const version of ["1", "2", "2"] as const) {
			expect((await verify(signSns(key, snsNotification(sesBounce, clock.now()), version))).ok).toBe(true);
		}
		expect(server.requests.filter((path) => path === certificatePath).length - before).toBe(1);
	});

	it("does not trust a certificate outside its validity, or one that cannot be read", async () => {
		const { clock, verify } = setup();
		clock.set(new Date(new Date(key.certificate.validTo).getTime() + minutes(1)));
		expect(await verify(signSns(key, snsNotification(sesBounce, clock.now())))).toEqual({
			ok: false,
			reason: "untrusted_certificate",
		});
		const missing = certificateUrl.replace(".pem", "-gone.pem");
		expect(await verify(signSns(key, snsNotification(sesBounce, clock.now()), "2", missing))).toEqual({
			ok: false,
			reason: "untrusted_certificate",
		});
		server.routes.set("/SimpleNotificationService-garbled.pem", { status: 200, body: "<html>maintenance</html>" });
		const garbled = certificateUrl.replace(certificatePath, "/SimpleNotificationService-garbled.pem");
		expect(await verify(signSns(key, snsNotification(sesBounce, clock.now()), "2", garbled))).toEqual({
			ok: false,
			reason: "untrusted_certificate",
		});
	});

	it("says the certificate host failing is worth retrying, and asks again next time", async () => {
		const { clock, verify } = setup();
		const path = "/SimpleNotificationService-flaky.pem";
		const url = certificateUrl.replace(certificatePath, path);
		server.routes.set(path, { status: 503, body: "Service Unavailable" });
		await expect(verify(signSns(key, snsNotification(sesBounce, clock.now()), "2", url))).rejects.toMatchObject({
			code: "unavailable",
		});
		server.routes.set(path, { status: 200, body: key.certificatePem });
		expect((await verify(signSns(key, snsNotification(sesBounce, clock.now()), "2", url))).ok).toBe(true);
		expect(server.requests.filter((p) => p === path)).toHaveLength(2);
	});
});

describe("the SNS host rule", () => {
	it.each([
		["https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem", true],
		["https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&Token=x", true],
		["https://sns.ap-southeast-2.amazonaws.com/", true],
		["http://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem", false],
		["https://sns.us-east-1.amazonaws.com.attacker.example/x.pem", false],
		["https://attacker.example/sns.us-east-1.amazonaws.com/x.pem", false],
		["https://sns.amazonaws.com/x.pem", false],
		["https://sqs.us-east-1.amazonaws.com/x.pem", false],
		["https://evil.sns.us-east-1.amazonaws.com/x.pem", false],
		["https://sns.us-east-1.amazonaws.com:8443/x.pem", false],
		["https://user:pass@sns.us-east-1.amazonaws.com/x.pem", false],
		["https://sns.us_east.amazonaws.com/x.pem", false],
		["https://sns.us-east-1.amazonaws.com./x.pem", false],
		["sns.us-east-1.amazonaws.com/x.pem", false],
		["", false],
	])("%s → %s", (url, allowed) => {
		expect(isSnsUrl(url)).toBe(allowed);
	});
});
