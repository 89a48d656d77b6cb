import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { describe, expect, inject, it } from "vitest";
import { deliveryIdOf } from "../../../src/core/bounces/delivery-token.ts";
import { createMemoryReplayStore } from "../../../src/core/webhooks/replay-store.ts";
import { verifyResendWebhook } from "../../../src/core/webhooks/resend-signature.ts";
import { sesMessageReport } from "../../../src/core/webhooks/ses-events.ts";
import { createSnsCertificates } from "../../../src/core/webhooks/sns-certificates.ts";
import { verifySnsMessage } from "../../../src/core/webhooks/sns-message.ts";
import { activeReader, addPapers, db, deliveriesOf, migrate, request, runCron, smtpMessagesTo } from "./helpers.ts";

// The same verification on workerd's Web Crypto (RSA with SHA-1 and SHA-256) and fetch.
const samples = inject("webhookSamples");
const controlUrl = inject("controlUrl");
const now = new Date(samples.now);

describe("webhook verification under workerd", () => {
	const certificates = createSnsCertificates({
		// The certificate comes over HTTP from global-setup.ts instead of sns.<region>.amazonaws.com.
		fetch: (input, init) => fetch(`${controlUrl}${new URL(String(input)).pathname}`, init),
	});
	const options = () => ({ topicArns: [samples.topicArn], certificates, replays: createMemoryReplayStore(), now });

	it.each(["1", "2"] as const)("verifies an SNS message signed with SignatureVersion %s", async (version) => {
		const verdict = await verifySnsMessage(samples.sns[version], options());
		if (!verdict.ok) throw new Error(verdict.reason);
		expect(sesMessageReport(verdict.value.message)).toMatchObject({ kind: "hard", source: "ses" });
		const tampered = samples.sns[version].replace("5.1.1", "5.1.2");
		expect(await verifySnsMessage(tampered, options())).toEqual({ ok: false, reason: "bad_signature" });
	});

	it("verifies a Resend request, and refuses it with one byte changed or a second time", async () => {
		const { secret, headers, body } = samples.resend;
		const replays = createMemoryReplayStore();
		expect((await verifyResendWebhook(headers, body, { secret, now, replays })).ok).toBe(true);
		expect(await verifyResendWebhook(headers, body, { secret, now, replays })).toEqual({
			ok: false,
			reason: "replayed",
		});
		const tampered = body.replace("Permanent", "Transient");
		expect(await verifyResendWebhook(headers, tampered, { secret, now, replays: createMemoryReplayStore() })).toEqual({
			ok: false,
			reason: "bad_signature",
		});
	});
});

describe("bounce webhooks on the Worker", () => {
	it("a digest sent through the queue names its delivery; a signed Resend bounce of it suppresses the reader", async () => {
		await migrate();
		const email = "bounced-on-workers@example.org";
		await addPapers([
			{ id: "2312.00999", title: "State space models on the edge", abstract: "State space models, briefly." },
		]);
		await activeReader(email, "state space models");
		await runCron("0 8 * * 1");
		const [, digest] = await smtpMessagesTo(email, 2, 15_000);
		const token = /^bounces\+([\w-]+)@paperboy\.test$/.exec(digest?.envelopeFrom ?? "")?.[1];
		const [delivery] = await deliveriesOf(email);
		expect(token && deliveryIdOf(env.SECRET as string, token)).toBe(delivery?.id);

		const withWebhook = { ...env, RESEND_WEBHOOK_SECRET: samples.resend.secret };
		const event = JSON.parse(samples.resend.body);
		event.data.to = [email];
		event.data.tags["paperboy-delivery"] = token;
		const body = JSON.stringify(event);
		const id = "msg_workers_bounce_0001";
		const headers = {
			"content-type": "application/json",
			"svix-id": id,
			"svix-timestamp": String(Math.floor(Date.now() / 1000)),
			"svix-signature": new Webhook(samples.resend.secret).sign(id, new Date(), body),
		};
		const post = () => request("/webhooks/resend", { method: "POST", headers, body }, withWebhook);
		expect((await post()).status).toBe(204);
		const suppressed = await db.selectFrom("suppressions").select("reason").where("email", "=", email).execute();
		expect(suppressed).toEqual([{ reason: "bounce" }]);
		// The same request again is a replay, refused by the D1-backed store.
		expect((await post()).status).toBe(401);
	});
});
