import { connect } from "node:net";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BounceReport } from "../../src/core/bounces/bounce-report.ts";
import { type BounceEnvelope, type BounceListener, startBounceListener } from "../../src/node/bounces/smtp-listener.ts";
import { bounceAddress, bounceFixtures, expectedReport, readBounceFixture } from "../helpers/bounce-fixtures.ts";

interface Received {
	report: BounceReport;
	raw: Buffer;
	envelope: BounceEnvelope;
}

const maxBytes = 64 * 1024;
const received: Received[] = [];
let failNext = false;
let listener: BounceListener;

beforeAll(async () => {
	listener = await startBounceListener({
		bounceAddress,
		port: 0,
		maxBytes,
		async onReport(report, raw, envelope) {
			if (failNext) {
				failNext = false;
				throw new Error("database is locked");
			}
			received.push({ report, raw, envelope });
		},
	});
});
afterAll(() => listener.close());

const wire = (file: string) => Buffer.from(readBounceFixture(file).toString("utf8").replace(/\r?\n/g, "\r\n"));

/** A real SMTP client: a bounce is sent with the null reverse path, to the VERP address. */
function send(raw: Buffer, to: string[]) {
	const transport = nodemailer.createTransport({
		host: "127.0.0.1",
		port: listener.port,
		secure: false,
		ignoreTLS: true,
	});
	return transport.sendMail({ envelope: { from: "", to }, raw }).finally(() => transport.close());
}

/** Speaks SMTP line by line on a plain socket and returns each reply (the greeting first). */
async function converse(steps: (string | Buffer)[]): Promise<string[]> {
	const socket = connect(listener.port, "127.0.0.1");
	let buffer = "";
	const waiters: (() => void)[] = [];
	socket.on("data", (chunk) => {
		buffer += chunk.toString("latin1");
		for (const wake of waiters.splice(0)) wake();
	});
	const reply = async () => {
		for (;;) {
			const end = /^\d{3} .*\r\n/m.exec(buffer);
			if (end) {
				const text = buffer.slice(0, end.index + end[0].length);
				buffer = buffer.slice(text.length);
				return text.trim();
			}
			await new Promise<void>((resolve) => waiters.push(resolve));
		}
	};
	const replies = [await reply()];
	for (const step of steps) {
		socket.write(typeof step === "string" ? `${step}\r\n` : step);
		replies.push(await reply());
	}
	socket.end();
	return replies;
}

describe("bounce SMTP listener", () => {
	it.each(bounceFixtures)("receives $file and reports it as $kind", async (fixture) => {
		const to = fixture.verpToken ? `bounces+${fixture.verpToken}@paperboy.example` : bounceAddress;
		const raw = wire(fixture.file);
		const before = received.length;
		const info = await send(raw, [to]);
		expect(info.response).toMatch(/^250 /);
		expect(received).toHaveLength(before + 1);
		const got = received[before] as Received;
		expect(got.report).toEqual(expectedReport(fixture));
		expect(got.envelope).toEqual({ from: "", to: [to] });
		expect(got.raw.equals(raw)).toBe(true);
	});

	it("takes the token from the envelope, with the domain in any case", async () => {
		const before = received.length;
		await send(wire("qmail-no-mailbox.eml"), ["Bounces+Envelope_Token_0123456@PaperBoy.EXAMPLE"]);
		expect(received[before]?.report.verpToken).toBe("Envelope_Token_0123456");
	});

	it("refuses other recipients with 550 and reports nothing", async () => {
		const before = received.length;
		for (const to of ["postmaster@paperboy.example", "bounces+tok@other.example", "bouncesx@paperboy.example"]) {
			await expect(send(wire("qmail-no-mailbox.eml"), [to])).rejects.toMatchObject({ responseCode: 550 });
		}
		const replies = await converse(["EHLO client.example", "MAIL FROM:<>", "RCPT TO:<reader@example.org>", "QUIT"]);
		expect(replies[3]).toMatch(/^550 5\.1\.1 /);
		expect(received).toHaveLength(before);
	});

	it("advertises SIZE, and answers 552 to a larger message whether or not the client declared it", async () => {
		const before = received.length;
		const big = Buffer.concat([wire("qmail-no-mailbox.eml"), Buffer.from(`${"x".repeat(998)}\r\n`.repeat(70))]);
		await expect(send(big, [bounceAddress])).rejects.toMatchObject({ responseCode: 552 });
		const replies = await converse([
			"EHLO client.example",
			"MAIL FROM:<>",
			`RCPT TO:<${bounceAddress}>`,
			"DATA",
			Buffer.concat([big, Buffer.from(".\r\n")]),
			"QUIT",
		]);
		expect(replies[1]).toMatch(new RegExp(`^250[ -]SIZE ${maxBytes}$`, "m"));
		expect(replies[4]).toMatch(/^354 /);
		expect(replies[5]).toMatch(/^552 /);
		expect(received).toHaveLength(before);
	});

	it("answers 451 when handling the report fails, so the sender retries", async () => {
		const before = received.length;
		failNext = true;
		await expect(send(wire("postfix-gmail-user-unknown.eml"), [bounceAddress])).rejects.toMatchObject({
			responseCode: 451,
		});
		expect(received).toHaveLength(before);
		await send(wire("postfix-gmail-user-unknown.eml"), [bounceAddress]);
		expect(received[before]?.report.kind).toBe("hard");
	});

	it("offers no AUTH and no STARTTLS", async () => {
		const replies = await converse(["EHLO client.example", "AUTH PLAIN AGJvdW5jZXMAc2VjcmV0", "STARTTLS", "QUIT"]);
		expect(replies[1]).not.toMatch(/AUTH|STARTTLS/);
		expect(replies[2]).toMatch(/^5\d\d /);
		expect(replies[3]).toMatch(/^5\d\d /);
	});
});
