import { describe, expect, it } from "vitest";
import { AppError } from "../../../src/core/errors.ts";
import { deliveryHeaders, resendDeliveryTags } from "../../../src/core/webhooks/delivery-markers.ts";
import { postmarkEventReport } from "../../../src/core/webhooks/postmark-events.ts";
import { resendEventReport } from "../../../src/core/webhooks/resend-events.ts";
import { sesMessageReport, sesNotificationReport } from "../../../src/core/webhooks/ses-events.ts";
import { expectedWebhookReport, readWebhookFixture, webhookFixtures } from "../../helpers/webhook-fixtures.ts";

const reportOf = { resend: resendEventReport, postmark: postmarkEventReport, ses: sesNotificationReport };

describe("provider events as bounce reports", () => {
	it.each(webhookFixtures)("$file is a $kind report", (fixture) => {
		const event = JSON.parse(readWebhookFixture(fixture.file));
		expect(reportOf[fixture.provider](event)).toStrictEqual(expectedWebhookReport(fixture));
	});

	it("reads an SES notification from the text of an SNS message", () => {
		const fixture = webhookFixtures.find((f) => f.file === "ses-event-bounce-tags.json");
		if (!fixture) throw new Error("fixture missing");
		expect(sesMessageReport(readWebhookFixture(fixture.file))).toStrictEqual(expectedWebhookReport(fixture));
	});

	it("names the delivery only when the tag holds a delivery token", () => {
		const event = JSON.parse(readWebhookFixture("resend-email-bounced.json"));
		event.data.tags = { "paperboy-delivery": "short" };
		expect(resendEventReport(event).verpToken).toBeUndefined();
		event.data.tags = [{ name: "PAPERBOY-DELIVERY", value: "Qm3xT9vLr2aZc8NfY4pKw1" }];
		expect(resendEventReport(event).verpToken).toBe("Qm3xT9vLr2aZc8NfY4pKw1");
	});

	it("finds the SES delivery header whatever its case, and ignores one that is not a token", () => {
		const event = JSON.parse(readWebhookFixture("ses-bounce-permanent-dsn.json"));
		const header = event.mail.headers.find((h: { name: string }) => h.name === "X-Paperboy-Delivery");
		header.name = "x-paperboy-delivery";
		expect(sesNotificationReport(event).verpToken).toBe("ozO5rA5lyLy0X6PaaeASwLLcODb");
		header.value = "bounces+x@paperboy.example";
		expect(sesNotificationReport(event).verpToken).toBeUndefined();
	});

	it("counts every Postmark bounce type it does not know as soft, and a not-spam SES complaint as nothing", () => {
		const bounce = JSON.parse(readWebhookFixture("postmark-bounce-hard.json"));
		expect(postmarkEventReport({ ...bounce, Type: "DMARCPolicy", Details: "" }).kind).toBe("soft");
		expect(postmarkEventReport({ ...bounce, Type: "SomethingNew" }).recipients[0]?.status).toBe("5.1.1");
		expect(postmarkEventReport({ ...bounce, Type: "AutoResponder" })).toMatchObject({ kind: "not_a_bounce" });
		expect(postmarkEventReport({ ...bounce, Type: "SpamComplaint" }).kind).toBe("complaint");

		const complaint = JSON.parse(readWebhookFixture("ses-complaint-abuse.json"));
		complaint.complaint.complaintFeedbackType = "not-spam";
		expect(sesNotificationReport(complaint)).toMatchObject({ kind: "not_a_bounce", feedbackType: "not-spam" });
		delete complaint.complaint.complaintFeedbackType;
		expect(sesNotificationReport(complaint)).toMatchObject({ kind: "complaint" });
	});

	it("keeps one line of at most 1000 characters of a diagnostic, and drops addresses that are not mailboxes", () => {
		const event = JSON.parse(readWebhookFixture("ses-bounce-permanent-dsn.json"));
		event.bounce.bouncedRecipients[0].diagnosticCode = `smtp; 550\r\n5.1.1 gone\u0007 ${"x".repeat(2000)}`;
		event.bounce.bouncedRecipients.push(
			{ emailAddress: "not an address" },
			{ emailAddress: "M.Curie.1867@example-university.edu" },
		);
		const [recipient, ...others] = sesNotificationReport(event).recipients;
		expect(recipient?.diagnostic).toMatch(/^550 5\.1\.1 gone x+$/);
		expect(recipient?.diagnostic).toHaveLength(1000);
		expect(others).toEqual([]);
	});

	it("refuses what is not an event of that provider with AppError(invalid_payload)", () => {
		for (const [read, payload] of [
			[resendEventReport, { type: "email.bounced" }],
			[postmarkEventReport, ["Bounce"]],
			[sesNotificationReport, { notificationType: "Bounce", mail: {} }],
			[sesNotificationReport, "Bounce"],
		] as const) {
			expect(() => read(payload)).toThrow(expect.objectContaining({ code: "invalid_payload" }));
		}
		expect(() => sesMessageReport("You have chosen to subscribe")).toThrow(AppError);
	});
});

describe("delivery markers", () => {
	it("are made only of a delivery token", () => {
		for (const bad of ["short", "AbCdEfGhIjKlMnOpQrStUv\r\nBcc: x@y.example"]) {
			expect(() => deliveryHeaders(bad)).toThrow(expect.objectContaining({ code: "invalid_input" }));
			expect(() => resendDeliveryTags(bad)).toThrow(expect.objectContaining({ code: "invalid_input" }));
		}
	});

	it("are what the normalisers read back: a Resend tag, Postmark metadata, an SES tag and header", () => {
		const token = "AbCdEfGhIjKlMnOpQrStUv";
		const [tag] = resendDeliveryTags(token);
		expect(
			resendEventReport({ type: "email.bounced", data: { tags: { [tag?.name ?? ""]: tag?.value } } }).verpToken,
		).toBe(token);
		const headers = deliveryHeaders(token);
		// Postmark turns X-PM-Metadata-KEY: VALUE into Metadata { KEY: VALUE }.
		const [metadataHeader, metadataValue] =
			Object.entries(headers).find(([name]) => name.startsWith("X-PM-Metadata-")) ?? [];
		const metadata = { [metadataHeader?.slice("X-PM-Metadata-".length) ?? ""]: metadataValue };
		expect(postmarkEventReport({ RecordType: "Bounce", Type: "HardBounce", Metadata: metadata }).verpToken).toBe(token);
		// SES turns X-SES-MESSAGE-TAGS: name=value into mail.tags { name: [value] }.
		const [name, value] = (headers["X-SES-MESSAGE-TAGS"] ?? "").split("=");
		expect(sesNotificationReport({ eventType: "Send", mail: { tags: { [name ?? ""]: [value] } } }).verpToken).toBe(
			token,
		);
		const sesHeaders = Object.entries(headers).map(([n, v]) => ({ name: n, value: v }));
		expect(sesNotificationReport({ notificationType: "Delivery", mail: { headers: sesHeaders } }).verpToken).toBe(
			token,
		);
	});
});
