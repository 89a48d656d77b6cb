import type { ImapFlow } from "imapflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BounceReport } from "../../src/core/bounces/bounce-report.ts";
import { AppError } from "../../src/core/errors.ts";
import { createImapPoller, parseImapUrl } from "../../src/node/bounces/imap-poller.ts";
import { bounceAddress, bounceFixtures, expectedReport, readBounceFixture } from "../helpers/bounce-fixtures.ts";
import { type Dovecot, startDovecot } from "../helpers/dovecot.ts";

let dovecot: Dovecot;
let imap: ImapFlow;

beforeAll(async () => {
	dovecot = await startDovecot();
	imap = await dovecot.client();
});
afterAll(() => dovecot?.close());

const wire = (file: string) => Buffer.from(readBounceFixture(file).toString("utf8").replace(/\r?\n/g, "\r\n"));

/** A fresh mailbox holding the given fixtures, in order. */
async function mailboxWith(name: string, files: string[]) {
	await imap.mailboxCreate(name);
	for (const file of files) await imap.append(name, wire(file));
}

/** The flags of each message in a mailbox, in UID order (\Recent left out: it is per session). */
async function flagsIn(mailbox: string): Promise<string[][]> {
	const lock = await imap.getMailboxLock(mailbox);
	try {
		// Take in what the poller's own connection changed (expunges, flags) before reading.
		await imap.noop();
		const flags: string[][] = [];
		for await (const message of imap.fetch("1:*", { uid: true, flags: true }))
			flags.push([...(message.flags ?? [])].filter((f) => f !== "\\Recent").sort());
		return flags;
	} catch {
		return [];
	} finally {
		lock.release();
	}
}

function collector() {
	const reports: BounceReport[] = [];
	return { reports, onReport: async (report: BounceReport) => void reports.push(report) };
}

describe("bounce mailbox poller against Dovecot", () => {
	it("reports every unseen message once, and marks each seen only after it was handed over", async () => {
		await mailboxWith(
			"Fixtures",
			bounceFixtures.map((f) => f.file),
		);
		const { reports, onReport } = collector();
		const poller = createImapPoller({ url: dovecot.url("Fixtures"), bounceAddress, onReport });

		expect(await poller.pollOnce()).toEqual({ reported: bounceFixtures.length, failed: 0, skipped: 0 });
		expect(reports).toEqual(bounceFixtures.map(expectedReport));
		expect(await flagsIn("Fixtures")).toEqual(bounceFixtures.map(() => ["\\Seen"]));

		expect(await poller.pollOnce()).toEqual({ reported: 0, failed: 0, skipped: 0 });
		expect(reports).toHaveLength(bounceFixtures.length);
	});

	it("leaves a message unseen when onReport throws, and reports it at the next poll", async () => {
		await mailboxWith("Retry", ["qmail-no-mailbox.eml", "yahoo-cfl-abuse.eml"]);
		const { reports, onReport } = collector();
		let down = true;
		const poller = createImapPoller({
			url: dovecot.url("Retry"),
			bounceAddress,
			onReport: async (report) => {
				if (down && report.kind === "hard") throw new Error("database is locked");
				await onReport(report);
			},
		});
		expect(await poller.pollOnce()).toEqual({ reported: 1, failed: 1, skipped: 0 });
		expect(await flagsIn("Retry")).toEqual([[], ["\\Seen"]]);
		down = false;
		expect(await poller.pollOnce()).toEqual({ reported: 1, failed: 0, skipped: 0 });
		expect(reports.map((r) => r.kind)).toEqual(["complaint", "hard"]);
		expect(await flagsIn("Retry")).toEqual([["\\Seen"], ["\\Seen"]]);
	});

	it("moves handled messages to another mailbox when asked to", async () => {
		await mailboxWith("Moving", ["gmail-address-not-found.eml", "postfix-delayed-will-retry.eml"]);
		const { reports, onReport } = collector();
		const poller = createImapPoller({ url: dovecot.url("Moving"), bounceAddress, onReport, moveTo: "Handled" });
		expect(await poller.pollOnce()).toMatchObject({ reported: 2 });
		expect(await flagsIn("Moving")).toEqual([]);
		expect(await flagsIn("Handled")).toEqual([[], []]);
		expect(reports.map((r) => r.kind)).toEqual(["hard", "soft"]);
	});

	it("does not download a message over the size limit: flags it for a person instead", async () => {
		await mailboxWith("Large", ["exchange-online-recipient-not-found.eml"]);
		const { reports, onReport } = collector();
		const poller = createImapPoller({ url: dovecot.url("Large"), bounceAddress, onReport, maxBytes: 2000 });
		expect(await poller.pollOnce()).toEqual({ reported: 0, failed: 0, skipped: 1 });
		expect(reports).toEqual([]);
		expect(await flagsIn("Large")).toEqual([["\\Flagged", "\\Seen"]]);
	});

	it("polls on its interval, and stop() lets the current message finish before it stops", async () => {
		await mailboxWith("Loop", ["qmail-no-mailbox.eml", "yahoo-failure-notice.eml", "exim-plain-text-legacy.eml"]);
		const reports: BounceReport[] = [];
		let release = () => {};
		let started = () => {};
		const firstStarted = new Promise<void>((resolve) => {
			started = resolve;
		});
		const poller = createImapPoller({
			url: dovecot.url("Loop"),
			bounceAddress,
			intervalMs: 20,
			onReport: async (report) => {
				started();
				await new Promise<void>((resolve) => {
					release = resolve;
				});
				reports.push(report);
			},
		});
		poller.start();
		await firstStarted;
		const stopped = poller.stop();
		release();
		await stopped;
		expect(reports).toHaveLength(1);
		expect(await flagsIn("Loop")).toEqual([["\\Seen"], [], []]);
	});

	it("keeps polling on its interval until stopped", async () => {
		await mailboxWith("Interval", []);
		const { reports, onReport } = collector();
		const poller = createImapPoller({ url: dovecot.url("Interval"), bounceAddress, onReport, intervalMs: 20 });
		poller.start();
		await imap.append("Interval", wire("qmail-no-mailbox.eml"));
		await expect.poll(() => reports.length, { timeout: 5000 }).toBe(1);
		await poller.stop();
		await imap.append("Interval", wire("yahoo-failure-notice.eml"));
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(reports).toHaveLength(1);
	});
});

describe("parseImapUrl", () => {
	it("reads host, port, TLS, credentials and mailbox", () => {
		expect(parseImapUrl("imaps://bounce%40paperboy.example:p%2Fss@imap.example.org/Bounces%2FNew")).toEqual({
			host: "imap.example.org",
			port: 993,
			secure: true,
			user: "bounce@paperboy.example",
			pass: "p/ss",
			mailbox: "Bounces/New",
		});
		expect(parseImapUrl("imap://u:p@127.0.0.1:1143")).toMatchObject({ port: 1143, secure: false, mailbox: "INBOX" });
	});

	it.each(["", "https://u:p@host/INBOX", "imap://host/INBOX", "not a url"])("refuses %j with a config error", (url) => {
		expect(() => parseImapUrl(url)).toThrow(AppError);
	});
});
