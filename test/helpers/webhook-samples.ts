import { Webhook } from "standardwebhooks";
import type { WebhookSamples } from "../worker/sink-types.ts";
import { certificatePath, makeSnsKey, signSns, snsNotification, topicArn } from "./sns-signer.ts";
import { readWebhookFixture } from "./webhook-fixtures.ts";

/**
 * Webhook requests signed in Node for the checks that run in workerd, which has no
 * node:crypto or openssl to sign with: an SNS Notification per signature version (its
 * certificate served by global-setup.ts at `certificatePath`) and a Resend request.
 */
export function webhookSamples() {
	const key = makeSnsKey(2);
	const now = new Date(new Date(key.certificate.validFrom).getTime() + 60_000);
	const message = readWebhookFixture("ses-event-bounce-tags.json");
	const body = readWebhookFixture("resend-email-bounced.json");
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
	const id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
	const samples: WebhookSamples = {
		now: now.toISOString(),
		topicArn,
		sns: {
			"1": JSON.stringify(signSns(key, snsNotification(message, now), "1")),
			"2": JSON.stringify(signSns(key, snsNotification(message, now), "2")),
		},
		resend: {
			secret,
			body,
			headers: {
				"svix-id": id,
				"svix-timestamp": String(Math.floor(now.getTime() / 1000)),
				"svix-signature": new Webhook(secret).sign(id, now, body),
			},
		},
	};
	return { samples, certificatePath, certificatePem: key.certificatePem };
}
