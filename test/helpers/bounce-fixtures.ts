import { readFileSync } from "node:fs";
import { expect } from "vitest";
import type { BounceKind } from "../../src/core/bounces/bounce-report.ts";

/** The bounce address the fixtures were written for (test/fixtures/bounces/SOURCES.md). */
export const bounceAddress = "bounces@paperboy.example";

export interface BounceFixture {
	file: string;
	kind: BounceKind;
	source: "dsn" | "arf" | "heuristic";
	/** The one recipient the notice names, with the status it gives. */
	recipient?: { address: string; status?: string };
	verpToken?: string;
	originalMessageId?: string;
	feedbackType?: string;
}

/** What each fixture reports: one row per file in test/fixtures/bounces. */
export const bounceFixtures: BounceFixture[] = [
	{
		file: "postfix-gmail-user-unknown.eml",
		kind: "hard",
		source: "dsn",
		recipient: { address: "no.such.reader.4821@gmail.com", status: "5.1.1" },
		verpToken: "j5RJZcs2CEFgEnb8scvDHs",
		originalMessageId: "<digest.123.2026-W49@paperboy.example>",
	},
	{
		file: "postfix-delayed-will-retry.eml",
		kind: "soft",
		source: "dsn",
		recipient: { address: "grace@lab.uni-example.edu", status: "4.4.1" },
		verpToken: "xNv1vzuWaXyfdXxoQyMjjRPjxyqs6mR2",
		originalMessageId: "<digest.124.2026-W49@paperboy.example>",
	},
	{
		file: "postfix-yahoo-no-account.eml",
		kind: "hard",
		source: "dsn",
		recipient: { address: "kat.reads.papers@yahoo.com", status: "5.0.0" },
		verpToken: "pplH5oAQzlh_CwP_71kBPhzlcodLsOXGgF6s4cM47c4",
		originalMessageId: "<digest.125.2026-W49@paperboy.example>",
	},
	{
		file: "exim-rejected-after-rcpt.eml",
		kind: "hard",
		source: "dsn",
		recipient: { address: "alan.t@mail.example-isp.net", status: "5.0.0" },
		verpToken: "ZtESRc0o1qJmzHAntM9Nkf",
		originalMessageId: "<digest.126.2026-W49@paperboy.example>",
	},
	{
		file: "gmail-address-not-found.eml",
		kind: "hard",
		source: "dsn",
		recipient: { address: "m.curie.1867@outlook.example", status: "5.1.1" },
		verpToken: "ozO5rA5lyLy0X6PaaeASwLLcODb",
		originalMessageId: "<digest.127.2026-W49@paperboy.example>",
	},
	{
		file: "exchange-online-recipient-not-found.eml",
		kind: "hard",
		source: "dsn",
		recipient: { address: "e.noether@physics.uni-example.org", status: "5.1.10" },
		verpToken: "8iCiM5iqrmsY-hAlevTer3b3QeYXHVU1dIgSguQEUUy",
		originalMessageId: "<digest.128.2026-W49@paperboy.example>",
	},
	{
		file: "yahoo-failure-notice.eml",
		kind: "hard",
		source: "heuristic",
		recipient: { address: "rosalind.f@example-college.ac.uk", status: "5.1.1" },
		verpToken: "vRhntX9KoBJdD0YLrW0Ktu",
		originalMessageId: "<digest.129.2026-W49@paperboy.example>",
	},
	{
		file: "qmail-no-mailbox.eml",
		kind: "hard",
		source: "heuristic",
		recipient: { address: "b.mcclintock@example-lab.org", status: "5.1.1" },
		verpToken: "lGXyfEoB_ngGt1RcHzK5g_stcFKEV_I0",
		originalMessageId: "<digest.130.2026-W49@paperboy.example>",
	},
	{
		file: "exim-plain-text-legacy.eml",
		kind: "hard",
		source: "heuristic",
		recipient: { address: "l.meitner@example-physics.net", status: "5.0.0" },
		verpToken: "uld1I1OYlA_EGz-UkCwHHa",
		originalMessageId: "<digest.131.2026-W49@paperboy.example>",
	},
	{
		file: "yahoo-cfl-abuse.eml",
		kind: "complaint",
		source: "arf",
		feedbackType: "abuse",
		recipient: { address: "noor.reads@yahoo.com" },
		verpToken: "0GuzASk6I6SSFvXNOeg408sJP-6tSr8tnSUdHK5nbGV",
		originalMessageId: "<digest.133.2026-W49@paperboy.example>",
	},
	{
		file: "arf-rfc5965-fraud.eml",
		kind: "complaint",
		source: "arf",
		feedbackType: "fraud",
		recipient: { address: "ines.reader@mail-example.com" },
		verpToken: "FMTb9uTCbYq1Jm_1hXHP7ztPG4lj5FIG",
		originalMessageId: "<digest.134.2026-W49@paperboy.example>",
	},
	{
		// Sent to the registered feedback address, and the copy carries no return path: no token.
		file: "microsoft-jmrp-legacy.eml",
		kind: "complaint",
		source: "heuristic",
		feedbackType: "abuse",
		recipient: { address: "olu.reader@hotmail.com" },
		originalMessageId: "<digest.135.2026-W49@paperboy.example>",
	},
	{
		file: "out-of-office-auto-reply.eml",
		kind: "not_a_bounce",
		source: "heuristic",
		verpToken: "f9F6h3lwdWiF5SfIN_D9lC",
	},
];

export const readBounceFixture = (file: string): Buffer =>
	readFileSync(new URL(`../fixtures/bounces/${file}`, import.meta.url));

/** The report a fixture should parse to, in the shape parseBounceReport returns. */
export function expectedReport(fixture: BounceFixture) {
	return {
		kind: fixture.kind,
		source: fixture.source,
		recipients: fixture.recipient ? [expect.objectContaining(fixture.recipient)] : [],
		...(fixture.verpToken ? { verpToken: fixture.verpToken } : {}),
		...(fixture.originalMessageId ? { originalMessageId: fixture.originalMessageId } : {}),
		...(fixture.feedbackType ? { feedbackType: fixture.feedbackType } : {}),
	};
}

/** A multipart/report (boundary "b") with a text/plain notice and the given parts. */
export function multipartReport(
	head: { from: string; to: string; subject: string },
	text: string,
	parts: { type: string; body: string }[],
) {
	return [
		`From: ${head.from}`,
		`To: ${head.to}`,
		`Subject: ${head.subject}`,
		"MIME-Version: 1.0",
		'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
		"",
		"--b",
		"Content-Type: text/plain",
		"",
		text,
		...parts.flatMap((part) => ["--b", `Content-Type: ${part.type}`, "", part.body]),
		"--b--",
		"",
	].join("\r\n");
}
