import { describe, expect, it } from "vitest";
import { recordBounce } from "../../src/core/bounces/record-bounce.ts";
import { parseBounceReport } from "../../src/node/bounces/parse-report.ts";
import { readBounceFixture } from "../helpers/bounce-fixtures.ts";
import { hours, minutes } from "../helpers/clock.ts";
import {
	dataLink,
	lastMailTo,
	readerAt,
	settledMail,
	subscriberRow,
	tokenCount,
	useJourney,
} from "../helpers/journey.ts";
import { addReaders, weeklyDigests } from "../helpers/readers.ts";
import type { Received } from "../helpers/smtp-sink.ts";
import { get, linkIn, oneClickUnsubscribe, postForm, signup } from "../helpers/web.ts";

const j = useJourney();
const browser = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0";
const phone = "Mozilla/5.0 (iPhone) Mobile Safari/605.1";

/** A reader who signed up from a browser and confirmed 10 minutes later from a phone. */
async function reader() {
	const signedUpAt = j.rt.clock.now().getTime() + 5_000;
	await signup(j.rt, "reader@example.org", "diffusion, retrieval", {}, { "user-agent": browser });
	const confirmPath = linkIn(await lastMailTo(j, "reader@example.org"), "/confirm/");
	j.rt.clock.advance(minutes(10));
	const confirmed = await get(j.rt, confirmPath, { "user-agent": phone });
	const managePath = new URL(confirmed.headers.get("location") ?? "", "http://x").pathname;
	return { ...(await readerAt(j, "reader@example.org", managePath)), confirmPath, signedUpAt };
}

describe("download my data", () => {
	it("is a JSON file with the address, topics and the consent record, behind the mailed data link", async () => {
		const r = await reader();
		const { dataPath } = await dataLink(j, r);
		const res = await get(j.rt, `${dataPath}/data.json`);
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toMatch(/^application\/json/);
		expect(res.headers.get("content-disposition")).toBe('attachment; filename="paperboy-data.json"');
		const data = await res.json();
		expect(data).toMatchObject({
			email: "reader@example.org",
			status: "active",
			keywords: ["diffusion", "retrieval"],
			frequency: "weekly",
			consent: {
				at: new Date(r.signedUpAt).toISOString(),
				ip: "203.0.113.7",
				userAgent: browser,
				formVersion: "signup-2026-11",
				confirmedAt: new Date(r.signedUpAt + minutes(10)).toISOString(),
				confirmedIp: "203.0.113.7",
				confirmedUserAgent: phone,
			},
			unsubscribedAt: null,
			digests: [],
		});
	});

	it("lists the reader's own bounces and complaints, and no other reader's", async () => {
		await j.restart({ BOUNCE_ADDRESS: "bounces@paperboy.example" });
		const r = await reader();
		await addReaders(j.rt, { "other@example.org": "diffusion" });
		j.rt.clock.advance(hours(1));
		const digests = await weeklyDigests(j.rt, j.sink);
		/** A fixture's notice about this digest, read by the real parser and acted on as the listener does. */
		const bounce = async (file: string, fixtureToken: string, mail: Received | undefined) => {
			const token = /^bounces\+([\w-]+)@/.exec(mail?.envelopeFrom ?? "")?.[1] ?? "";
			const raw = readBounceFixture(file).toString("utf8").replaceAll(fixtureToken, token);
			const report = await parseBounceReport(raw, {
				bounceAddress: "bounces@paperboy.example",
				envelopeRecipients: [`bounces+${token}@paperboy.example`],
			});
			expect((await recordBounce(j.rt.deps, report)).outcome).not.toBe("ignored");
		};
		const bouncedAt = j.rt.clock.now().toISOString();
		await bounce("postfix-delayed-will-retry.eml", "xNv1vzuWaXyfdXxoQyMjjRPjxyqs6mR2", digests.get(r.email));
		await bounce("postfix-gmail-user-unknown.eml", "j5RJZcs2CEFgEnb8scvDHs", digests.get("other@example.org"));

		const { dataPath } = await dataLink(j, r);
		const res = await get(j.rt, `${dataPath}/data.json`);
		const text = await res.text();
		expect(JSON.parse(text).bounces).toEqual([
			{
				at: bouncedAt,
				kind: "soft",
				status: "4.4.1",
				diagnostic: expect.stringContaining("connect to mx1.lab.uni-example.edu"),
				feedbackType: null,
				source: "dsn",
			},
		]);
		expect(text).not.toContain("other@example.org");
		expect(text).not.toContain("5.1.1");
	});

	it("is not there for a link that belongs to nobody", async () => {
		expect((await get(j.rt, "/data/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/data.json")).status).toBe(404);
	});
});

describe("delete me", () => {
	it("removes the reader, their links and every trace of the address", async () => {
		const r = await reader();
		const { dataPath, csrf } = await dataLink(j, r);
		// The used confirm token, the manage, unsubscribe and voting links, the feed link (the
		// manage page put it on file), the data link.
		expect(await tokenCount(j.rt)).toBe(6);
		const res = await postForm(j.rt, `${dataPath}/delete`, { confirm: "yes", csrf });
		expect(res.status).toBe(200);
		expect(await res.text()).toContain("Your data is deleted");

		expect(await subscriberRow(j.rt, "reader@example.org")).toBeUndefined();
		expect(await tokenCount(j.rt)).toBe(0);
		const limits = await j.rt.deps.db.selectFrom("rate_limits").select("key").execute();
		expect(limits.map((l) => l.key).join(" ")).not.toContain("reader@");

		expect((await get(j.rt, r.managePath)).status).toBe(404);
		expect((await get(j.rt, dataPath)).status).toBe(404);
		expect((await get(j.rt, `${dataPath}/data.json`)).status).toBe(404);
		expect((await get(j.rt, r.confirmPath)).status).toBe(404);
		expect((await get(j.rt, `/unsubscribe/${r.unsubscribeToken}`)).status).toBe(404);
		const oneClick = await oneClickUnsubscribe(j.rt, r.unsubscribeToken);
		expect(oneClick.status).toBe(200);
		expect(await oneClick.text()).toContain("belongs to no subscription");
	});

	it("lets the address sign up again later as a new reader", async () => {
		const r = await reader();
		const { dataPath, csrf } = await dataLink(j, r);
		await postForm(j.rt, `${dataPath}/delete`, { confirm: "yes", csrf });
		j.rt.clock.advance(minutes(15));
		await signup(j.rt, "reader@example.org", "diffusion");
		const row = await subscriberRow(j.rt, "reader@example.org");
		expect(row?.status).toBe("pending");
		expect(row?.confirmed_at).toBeNull();
		expect((await settledMail(j)).map((m) => m.parsed.subject)).toEqual([
			"Confirm your paperboy subscription",
			"Your data at paperboy",
			"Confirm your paperboy subscription",
		]);
	});

	it("asks for the confirmation box on the server too, and deletes nothing without it", async () => {
		const r = await reader();
		const { dataPath, csrf } = await dataLink(j, r);
		const res = await postForm(j.rt, `${dataPath}/delete`, { csrf });
		expect(res.status).toBe(422);
		expect(await res.text()).toContain("Tick the box to confirm that everything should be deleted.");
		expect((await subscriberRow(j.rt, "reader@example.org"))?.status).toBe("active");
	});
});
