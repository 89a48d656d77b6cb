/**
 * Bounces and complaints, end to end: digests go out to a real SMTP sink with a VERP return
 * path; DSNs and an ARF report come back by SMTP to the built-in listener and through a real
 * Dovecot mailbox; the readers they name are suppressed (or unsubscribed) and get no more mail.
 */
import { join } from "node:path";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliveryIdOf } from "../../src/core/bounces/delivery-token.ts";
import { type BounceIntake, startBounceIntake } from "../../src/node/bounce-intake.ts";
import { readBounceFixture } from "../helpers/bounce-fixtures.ts";
import { runCli } from "../helpers/cli.ts";
import { days, hours } from "../helpers/clock.ts";
import { type Dovecot, startDovecot } from "../helpers/dovecot.ts";
import { addPapers, addReaders, paper, readerStatus, weeklyDigests } from "../helpers/readers.ts";
import { createTestRuntime, type TestRuntime, testSecret } from "../helpers/runtime.ts";
import { type Received, type SmtpSink, startSmtpSink } from "../helpers/smtp-sink.ts";

let sink: SmtpSink;
let dovecot: Dovecot;
let rt: TestRuntime;
let intake: BounceIntake;

beforeAll(async () => {
	[sink, dovecot] = await Promise.all([startSmtpSink(), startDovecot()]);
	rt = await createTestRuntime({
		SMTP_URL: sink.url,
		BOUNCE_ADDRESS: "bounces@paperboy.example",
		BOUNCE_SMTP_PORT: "0",
		BOUNCE_IMAP_URL: dovecot.url(),
		SOFT_BOUNCE_LIMIT: "2",
	});
	intake = await startBounceIntake(rt.deps, { poll: false });
});
afterAll(async () => {
	await intake?.close();
	await rt?.dispose();
	await Promise.all([sink?.close(), dovecot?.close()]);
});

const readers = {
	gone: "gone.reader@example.org",
	angry: "angry.reader@example.org",
	slow: "slow.reader@example.org",
	fine: "fine.reader@example.org",
};

/** The token of a digest's return path, which must be bounces+TOKEN@ the bounce domain. */
function tokenOf(mail: Received): string {
	const match = /^bounces\+([\w-]+)@paperboy\.example$/.exec(mail.envelopeFrom);
	if (!match?.[1]) throw new Error(`no VERP return path: ${mail.envelopeFrom}`);
	return match[1];
}

/** A fixture as the reader's mail system would write it about this digest. */
function notice(file: string, fixtureToken: string, fixtureRecipient: string, mail: Received): Buffer {
	const text = readBounceFixture(file)
		.toString("utf8")
		.replaceAll(fixtureToken, tokenOf(mail))
		.replaceAll(fixtureRecipient, mail.envelopeTo[0] ?? "")
		.replace(/\r?\n/g, "\r\n");
	return Buffer.from(text);
}

/** A real SMTP client: a bounce comes with the null reverse path. */
async function mailToListener(raw: Buffer, to: string) {
	const transport = nodemailer.createTransport({
		host: "127.0.0.1",
		port: intake.listener?.port,
		secure: false,
		ignoreTLS: true,
	});
	try {
		return await transport.sendMail({ envelope: { from: "", to }, raw });
	} finally {
		transport.close();
	}
}

const suppressions = () => rt.deps.db.selectFrom("suppressions").select(["email", "reason"]).orderBy("email").execute();
const bounceRows = () => rt.deps.db.selectFrom("bounces").select(["subscriber_id", "kind"]).execute();

describe("bounces and complaints act on the delivery they name", () => {
	it("suppresses hard bounces and complaints, counts soft ones, and sends those readers nothing more", async () => {
		await addReaders(rt, Object.fromEntries(Object.values(readers).map((email) => [email, "state space models"])));
		rt.clock.advance(hours(1));

		// Week 1: every digest's return path names its own delivery.
		const week1 = await weeklyDigests(rt, sink);
		expect([...week1.keys()].sort()).toEqual(Object.values(readers).sort());
		const ids = new Set<number>();
		for (const mail of week1.values()) {
			const id = deliveryIdOf(testSecret, tokenOf(mail));
			expect(id).toBeGreaterThan(0);
			ids.add(id as number);
			// The From header stays ours; only the envelope changes.
			expect(mail.parsed.from?.value[0]?.address).toBe("digest@paperboy.test");
		}
		expect(ids.size).toBe(4);
		const mailTo = (email: string) => week1.get(email) as Received;

		// A 5.1.1 DSN from Postfix to the VERP address, by SMTP to the listener.
		const dsn = notice(
			"postfix-gmail-user-unknown.eml",
			"j5RJZcs2CEFgEnb8scvDHs",
			"no.such.reader.4821@gmail.com",
			mailTo(readers.gone),
		);
		const accepted = await mailToListener(dsn, `bounces+${tokenOf(mailTo(readers.gone))}@paperboy.example`);
		expect(accepted.response).toMatch(/^250/);
		// Yahoo's feedback loop writes to the bare bounce address; the token is in Original-Mail-From.
		await mailToListener(
			notice(
				"yahoo-cfl-abuse.eml",
				"0GuzASk6I6SSFvXNOeg408sJP-6tSr8tnSUdHK5nbGV",
				"noor.reads@yahoo.com",
				mailTo(readers.angry),
			),
			"bounces@paperboy.example",
		);
		// A delay notice: soft, counted, not suppressed.
		const delayed = (mail: Received) =>
			notice("postfix-delayed-will-retry.eml", "xNv1vzuWaXyfdXxoQyMjjRPjxyqs6mR2", "grace@lab.uni-example.edu", mail);
		await mailToListener(delayed(mailTo(readers.slow)), `bounces+${tokenOf(mailTo(readers.slow))}@paperboy.example`);
		// A forged notice naming the fine reader, with a token made up by whoever wrote it.
		const forged = dsn
			.toString("utf8")
			.replaceAll(readers.gone, readers.fine)
			.replaceAll(tokenOf(mailTo(readers.gone)), `${[...ids][3]}_AAAAAAAAAAAAAAAAAAAAAA`);
		await mailToListener(Buffer.from(forged), "bounces@paperboy.example");

		expect(await suppressions()).toEqual([
			{ email: readers.angry, reason: "complaint" },
			{ email: readers.gone, reason: "bounce" },
		]);
		expect(await readerStatus(rt, readers.angry)).toBe("unsubscribed");
		expect(await readerStatus(rt, readers.gone)).toBe("active");

		// The same DSN again (a sender retrying): nothing new is recorded.
		await mailToListener(dsn, `bounces+${tokenOf(mailTo(readers.gone))}@paperboy.example`);
		expect((await bounceRows()).map((b) => b.kind).sort()).toEqual(["complaint", "hard", "soft"]);

		// Week 2: new papers; the suppressed and the unsubscribed get nothing.
		rt.clock.advance(days(7));
		await addPapers(rt, [paper("2612.00001", "Selective state space models at scale", "State space models again.")]);
		rt.clock.advance(hours(1));
		const week2 = await weeklyDigests(rt, sink);
		expect([...week2.keys()].sort()).toEqual([readers.fine, readers.slow]);

		// A second soft bounce, this time from the bounce mailbox over IMAP: the limit (2) suppresses.
		const imap = await dovecot.client();
		await imap.append("INBOX", delayed(week2.get(readers.slow) as Received));
		await imap.logout();
		expect(await intake.poller?.pollOnce()).toEqual({ reported: 1, failed: 0, skipped: 0 });
		expect((await suppressions()).map((s) => s.email)).toEqual([readers.angry, readers.gone, readers.slow]);

		// Week 3: only the reader whose mail arrives is still written to.
		rt.clock.advance(days(7));
		await addPapers(rt, [paper("2612.00002", "State space models for audio", "State space models, once more.")]);
		rt.clock.advance(hours(1));
		expect([...(await weeklyDigests(rt, sink)).keys()]).toEqual([readers.fine]);

		// The operator's view: `paperboy bounces` on the same database.
		const cli = (...args: string[]) =>
			runCli(["bounces", "--now", rt.clock.now().toISOString(), ...args], {
				DATABASE_PATH: join(rt.dir, "paperboy.db"),
				SECRET: testSecret,
			});
		const listed = await cli();
		expect(listed.code).toBe(0);
		expect(listed.stdout).toMatch(/^last 30 days: 1 hard, 2 soft, 1 complaints$/m);
		expect(listed.stdout).toMatch(new RegExp(`hard\\s+${readers.gone}\\s+dsn delivery \\d+\\s+5\\.1\\.1 `));
		expect(listed.stdout).toMatch(new RegExp(`complaint\\s+${readers.angry}\\s+arf delivery \\d+\\s+abuse`));
		const refused = await cli("--days", "soon");
		expect(refused).toMatchObject({ code: 2, stdout: "" });
		expect(refused.stderr).toContain("--days must be a whole number");
	});
});
