import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AppError } from "../../../src/core/errors.ts";
import { parseBounceReport } from "../../../src/node/bounces/parse-report.ts";
import {
	bounceAddress,
	bounceFixtures,
	expectedReport,
	multipartReport,
	readBounceFixture,
} from "../../helpers/bounce-fixtures.ts";

const parse = (raw: string | Buffer, envelopeRecipients?: string[]) =>
	parseBounceReport(raw, { bounceAddress, ...(envelopeRecipients ? { envelopeRecipients } : {}) });

/** A minimal RFC 3464 notice with one recipient group. */
const dsn = (recipientGroup: string, to = "bounces+AAAAAAAAAAAAAAAAAAAAAA@paperboy.example") =>
	multipartReport({ from: "MAILER-DAEMON@mta.example.net", to, subject: "Delivery Status Notification" }, "Notice.", [
		{ type: "message/delivery-status", body: `Reporting-MTA: dns; mta.example.net\r\n\r\n${recipientGroup}\r\n` },
	]);

describe("parseBounceReport over the fixtures", () => {
	it("has an expectation for every fixture file", () => {
		const files = readdirSync(new URL("../../fixtures/bounces/", import.meta.url)).filter((f) => f.endsWith(".eml"));
		expect(bounceFixtures.map((f) => f.file).sort()).toEqual(files.sort());
	});

	it.each(bounceFixtures)("$file is $kind", async (fixture) => {
		expect(await parse(readBounceFixture(fixture.file))).toEqual(expectedReport(fixture));
	});
});

describe("parseBounceReport", () => {
	it("takes the token from the SMTP envelope before anything the message says", async () => {
		const report = await parse(readBounceFixture("postfix-gmail-user-unknown.eml"), [
			"Bounces+EnvelopeToken_0123456789@PAPERBOY.example",
		]);
		expect(report.verpToken).toBe("EnvelopeToken_0123456789");
	});

	it("ignores plus addresses of other mailboxes and tags that are not tokens", async () => {
		const other = dsn(
			"Final-Recipient: rfc822; a@b.example\r\nAction: failed\r\nStatus: 5.1.1",
			"bounces+AAAAAAAAAAAAAAAAAAAAAA@other.example",
		);
		expect((await parse(other)).verpToken).toBeUndefined();
		const short = dsn(
			"Final-Recipient: rfc822; a@b.example\r\nAction: failed\r\nStatus: 5.1.1",
			"bounces+abc@paperboy.example",
		);
		expect((await parse(short)).verpToken).toBeUndefined();
		expect((await parse(short, ["postmaster@paperboy.example"])).verpToken).toBeUndefined();
	});

	it("treats a delay as soft even with a 5.x.x code, and a temporary cause of a failure as soft", async () => {
		expect((await parse(dsn("Final-Recipient: rfc822; a@b.example\r\nAction: delayed\r\nStatus: 5.4.7"))).kind).toBe(
			"soft",
		);
		expect((await parse(dsn("Final-Recipient: rfc822; a@b.example\r\nAction: failed\r\nStatus: 4.4.7"))).kind).toBe(
			"soft",
		);
	});

	it("reports no bounce for a success notice", async () => {
		const report = await parse(dsn("Final-Recipient: rfc822; a@b.example\r\nAction: delivered\r\nStatus: 2.0.0"));
		expect(report).toMatchObject({ kind: "not_a_bounce", recipients: [], source: "dsn" });
	});

	it("takes the class from the SMTP reply when Status is missing", async () => {
		const report = await parse(
			dsn("Final-Recipient: rfc822; a@b.example\r\nAction: failed\r\nDiagnostic-Code: smtp; 550 no such user"),
		);
		expect(report.recipients).toEqual([
			{ address: "a@b.example", status: "5.0.0", action: "failed", diagnostic: "550 no such user" },
		]);
	});

	it("counts a failure with an empty Diagnostic-Code and no Status as permanent", async () => {
		const report = await parse(dsn("Final-Recipient: rfc822; a@b.example\r\nDiagnostic-Code: smtp; "));
		expect(report).toMatchObject({ kind: "hard", recipients: [{ address: "a@b.example", status: "5.0.0" }] });
	});

	it("does not take a success code quoted in a failure notice for what happened", async () => {
		const notice = [
			"From: MAILER-DAEMON@mta.example.net",
			"To: bounces+AAAAAAAAAAAAAAAAAAAAAA@paperboy.example",
			"Subject: failure notice",
			"",
			"This is the qmail-send program at mta.example.net.",
			"The relay had answered 2.0.0 to the message, then:",
			"<a@b.example>:",
			"",
		].join("\r\n");
		const report = await parse(notice);
		expect(report.recipients).toEqual([{ address: "a@b.example", status: "4.0.0" }]);
		expect(report.kind).toBe("soft");
	});

	it("names no address that the message does not spell out, and reads parts without a type", async () => {
		const notice = [
			"From: Mail Delivery System <Mailer-Daemon@mta.example.net>",
			"To: bounces+AAAAAAAAAAAAAAAAAAAAAA@paperboy.example",
			"X-Failed-Recipients: #\u0000a@b.example",
			"Subject: Mail delivery failed",
			"",
			"A message that you sent could not be delivered.",
			"",
		].join("\r\n");
		expect((await parse(notice)).recipients).toEqual([]);
		const untyped = multipartReport({ from: "MAILER-DAEMON@mta.example.net", to: "x@y.example", subject: "" }, "", [
			{ type: "", body: "\r\n" },
		]);
		expect((await parse(untyped)).kind).toBe("not_a_bounce");
	});

	it("keeps the kind of a failure whose address cannot be read, without inventing a recipient", async () => {
		const report = await parse(dsn("Final-Recipient: x400; /G=A/S=B/\r\nAction: failed\r\nStatus: 5.1.1"));
		expect(report).toMatchObject({ kind: "hard", recipients: [], verpToken: "AAAAAAAAAAAAAAAAAAAAAA" });
	});

	it("does not count not-spam and authentication-failure feedback as complaints", async () => {
		const raw = readBounceFixture("yahoo-cfl-abuse.eml")
			.toString()
			.replace("Feedback-Type: abuse", "Feedback-Type: not-spam");
		expect(await parse(raw)).toMatchObject({ kind: "not_a_bounce", feedbackType: "not-spam", source: "arf" });
	});

	it("rejects a message over the size limit with a clear error, and accepts one at the limit", async () => {
		const raw = readBounceFixture("qmail-no-mailbox.eml");
		const error = await parseBounceReport(raw, { bounceAddress, maxBytes: raw.length - 1 }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(AppError);
		expect(error).toMatchObject({
			code: "invalid_payload",
			message: `Bounce message too large: ${raw.length} bytes, the limit is ${raw.length - 1}`,
		});
		expect((await parseBounceReport(raw, { bounceAddress, maxBytes: raw.length })).kind).toBe("hard");
	});

	it("strips control characters and line breaks from diagnostics", async () => {
		const report = await parse(
			dsn(
				"Final-Recipient: rfc822; a@b.example\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 =?utf-8?q?bad=07=0Aline?=\r\n  <script>",
			),
		);
		expect(report.recipients[0]?.diagnostic).toBe("550 bad line <script>");
	});
});
