import { describe, expect, it } from "vitest";
import { minutes } from "../helpers/clock.ts";
import {
	dataLink,
	lastMailTo,
	readerAt,
	settledMail,
	subscriberRow,
	tokenCount,
	useJourney,
} from "../helpers/journey.ts";
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
