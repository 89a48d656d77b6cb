import { describe, expect, inject, it } from "vitest";
import { createMemoryReplayStore } from "../../../src/core/webhooks/replay-store.ts";
import { verifyResendWebhook } from "../../../src/core/webhooks/resend-signature.ts";
import { sesMessageReport } from "../../../src/core/webhooks/ses-events.ts";
import { createSnsCertificates } from "../../../src/core/webhooks/sns-certificates.ts";
import { verifySnsMessage } from "../../../src/core/webhooks/sns-message.ts";

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
