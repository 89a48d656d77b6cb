import { readFileSync } from "node:fs";
import type { BounceKind, BounceRecipient } from "../../src/core/bounces/bounce-report.ts";

export const readWebhookFixture = (file: string): string =>
	readFileSync(new URL(`../fixtures/webhooks/${file}`, import.meta.url), "utf8");

export interface WebhookFixture {
	file: string;
	provider: "resend" | "postmark" | "ses";
	kind: BounceKind;
	recipients: BounceRecipient[];
	verpToken?: string;
	originalMessageId?: string;
	feedbackType?: string;
	providerMessageId: string;
}

/** What each provider event in test/fixtures/webhooks reports: one row per file (SOURCES.md). */
export const webhookFixtures: WebhookFixture[] = [
	{
		file: "resend-email-bounced.json",
		provider: "resend",
		kind: "hard",
		recipients: [
			{
				address: "no.such.reader.7731@example-university.edu",
				status: "5.0.0",
				action: "failed",
				diagnostic:
					"The recipient's email provider sent a hard bounce message, but didn't specify the reason for the hard bounce. We recommend removing the recipient's email address from your mailing list.",
			},
		],
		verpToken: "Qm3xT9vLr2aZc8NfY4pKw1",
		originalMessageId: "<digest.201.2026-W48@paperboy.example>",
		providerMessageId: "56761188-7520-42d8-8898-ff6fc54ce618",
	},
	{
		file: "resend-email-bounced-suppressed.json",
		provider: "resend",
		kind: "hard",
		recipients: [
			{
				address: "gone.reader@mail-example.org",
				status: "5.0.0",
				action: "failed",
				diagnostic:
					"The recipient's email address is on the suppression list because it has a recent history of producing hard bounces.",
			},
		],
		verpToken: "h8Rk2VbQ0sLmE5tYw9XcJa",
		providerMessageId: "0a2c9be4-5b3f-4e55-9d0a-6f1e2c7d8b90",
	},
	{
		file: "resend-email-delivery-delayed.json",
		provider: "resend",
		kind: "soft",
		recipients: [{ address: "grace@lab.uni-example.edu", status: "4.0.0", action: "delayed" }],
		verpToken: "xNv1vzuWaXyfdXxoQyMjjR",
		originalMessageId: "<digest.203.2026-W48@paperboy.example>",
		providerMessageId: "9d4c3a1f-27b8-4f0e-a6c2-5e8b1d7f3a24",
	},
	{
		file: "resend-email-complained.json",
		provider: "resend",
		kind: "complaint",
		recipients: [{ address: "noor.reads@mail-example.com" }],
		verpToken: "0GuzASk6I6SSFvXNOeg408sJ",
		originalMessageId: "<digest.204.2026-W48@paperboy.example>",
		feedbackType: "abuse",
		providerMessageId: "e3b0c442-98fc-4c14-9afb-f4c8996fb924",
	},
	{
		file: "resend-email-delivered.json",
		provider: "resend",
		kind: "not_a_bounce",
		recipients: [],
		verpToken: "pplH5oAQzlh_CwP_71kBPh",
		originalMessageId: "<digest.205.2026-W48@paperboy.example>",
		providerMessageId: "7f1d2e3c-4b5a-4697-8a1b-2c3d4e5f6a7b",
	},
	{
		file: "postmark-bounce-hard.json",
		provider: "postmark",
		kind: "hard",
		recipients: [
			{
				address: "no.such.reader.4821@gmail.com",
				status: "5.1.1",
				action: "failed",
				diagnostic:
					"550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces.",
			},
		],
		verpToken: "j5RJZcs2CEFgEnb8scvDHs",
		providerMessageId: "883953f4-6105-42a2-a16a-77a8eac79483",
	},
	{
		file: "postmark-bounce-soft.json",
		provider: "postmark",
		kind: "soft",
		recipients: [
			{
				address: "alan.t@mail.example-isp.net",
				status: "4.2.2",
				action: "failed",
				diagnostic: "452 4.2.2 The email account that you tried to reach is over quota.",
			},
		],
		verpToken: "ZtESRc0o1qJmzHAntM9Nkf",
		providerMessageId: "2f6d1c0e-8a4b-4e3d-9b1a-7c6e5d4f3a21",
	},
	{
		file: "postmark-spam-complaint.json",
		provider: "postmark",
		kind: "complaint",
		recipients: [{ address: "ines.reader@mail-example.com" }],
		verpToken: "FMTb9uTCbYq1Jm_1hXHP7ztPG4lj5FIG",
		feedbackType: "abuse",
		providerMessageId: "00000000-0000-0000-0000-000000000000",
	},
	{
		file: "postmark-delivery.json",
		provider: "postmark",
		kind: "not_a_bounce",
		recipients: [],
		verpToken: "lGXyfEoB_ngGt1RcHzK5g_",
		providerMessageId: "883953f4-6105-42a2-a16a-77a8eac79484",
	},
	{
		file: "ses-bounce-permanent-dsn.json",
		provider: "ses",
		kind: "hard",
		recipients: [
			{
				address: "m.curie.1867@example-university.edu",
				status: "5.1.1",
				action: "failed",
				diagnostic: "550 5.1.1 <m.curie.1867@example-university.edu>... User unknown",
			},
		],
		verpToken: "ozO5rA5lyLy0X6PaaeASwLLcODb",
		originalMessageId: "<digest.206.2026-W48@paperboy.example>",
		providerMessageId: "0100019a3b111222-33322211-cccc-cccc-cccc-ddddaaaa0680-000000",
	},
	{
		// Without "include original headers" SES sends no headers: nothing names the delivery.
		file: "ses-bounce-transient-no-headers.json",
		provider: "ses",
		kind: "soft",
		recipients: [{ address: "rosalind.f@example-college.ac.uk", status: "4.0.0", action: "failed" }],
		providerMessageId: "0100019a3b1403fd-34208509-5b74-41f3-95c5-22c1edc3c924-000000",
	},
	{
		file: "ses-complaint-abuse.json",
		provider: "ses",
		kind: "complaint",
		recipients: [{ address: "olu.reader@mail-example.net" }],
		verpToken: "vRhntX9KoBJdD0YLrW0Ktu",
		originalMessageId: "<digest.208.2026-W48@paperboy.example>",
		feedbackType: "abuse",
		providerMessageId: "0100019a3b15177f-7a5d4d6d-f1a4-4a2d-b3c1-0e2f1a9b8c7d-000000",
	},
	{
		file: "ses-event-bounce-tags.json",
		provider: "ses",
		kind: "hard",
		recipients: [
			{
				address: "e.noether@physics.uni-example.org",
				status: "5.1.1",
				action: "failed",
				diagnostic: "550 5.1.1 user unknown",
			},
		],
		verpToken: "8iCiM5iqrmsY-hAlevTer3b3QeYXHVU1dIgSguQEUUy",
		providerMessageId: "0100019a3b16c191-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000",
	},
	{
		file: "ses-event-delivery-delay.json",
		provider: "ses",
		kind: "soft",
		recipients: [
			{
				address: "b.mcclintock@example-lab.org",
				status: "4.4.1",
				action: "delayed",
				diagnostic: "421 4.4.1 Unable to connect to remote host",
			},
		],
		verpToken: "lGXyfEoB_ngGt1RcHzK5g_stcFKEV_I0",
		providerMessageId: "0100019a3b17ab12-5c7d9e0f-1a2b-4c3d-8e9f-a0b1c2d3e4f5-000000",
	},
	{
		file: "ses-delivery.json",
		provider: "ses",
		kind: "not_a_bounce",
		recipients: [],
		providerMessageId: "0100019a3b18d2c4-8f7e6d5c-4b3a-4291-8a7b-6c5d4e3f2a1b-000000",
	},
];

/** The report a fixture should normalise to, field for field. */
export function expectedWebhookReport(fixture: WebhookFixture) {
	return {
		kind: fixture.kind,
		recipients: fixture.recipients,
		source: fixture.provider,
		providerMessageId: fixture.providerMessageId,
		...(fixture.verpToken ? { verpToken: fixture.verpToken } : {}),
		...(fixture.originalMessageId ? { originalMessageId: fixture.originalMessageId } : {}),
		...(fixture.feedbackType ? { feedbackType: fixture.feedbackType } : {}),
	};
}
