import { describe, expect, it } from "vitest";
import { minutes } from "../helpers/clock.ts";
import { lastMailTo, settledMail, subscriberRow, tokenCount, useJourney } from "../helpers/journey.ts";
import { get, inputValue, linkIn, oneClickUnsubscribe, postForm, signup } from "../helpers/web.ts";

const j = useJourney();
const browser = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0";

/** A reader who signed up from a browser and confirmed 10 minutes later. */
async function reader() {
	const signedUpAt = j.rt.clock.now().getTime() + 5_000;
	await signup(j.rt, "reader@example.org", "diffusion, retrieval", {}, { "user-agent": browser });
	const confirmPath = linkIn(await lastMailTo(j, "reader@example.org"), "/confirm/");
	j.rt.clock.advance(minutes(10));
	const confirmed = await get(j.rt, confirmPath);
	const managePath = new URL(confirmed.headers.get("location") ?? "", "http://x").pathname;
	const csrf = inputValue(await (await get(j.rt, managePath)).text(), "csrf");
	return { managePath, confirmPath, csrf, token: managePath.split("/")[2] ?? "", signedUpAt };
}

describe("download my data", () => {
	it("is a JSON file with the address, topics and the consent record", async () => {
		const { managePath, signedUpAt } = await reader();
		const res = await get(j.rt, `${managePath}/data.json`);
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
				at: new Date(signedUpAt).toISOString(),
				ip: "203.0.113.7",
				userAgent: browser,
				formVersion: "signup-2026-11",
				confirmedAt: new Date(signedUpAt + minutes(10)).toISOString(),
			},
			unsubscribedAt: null,
			digests: [],
		});
	});

	it("is not there for a link that belongs to nobody", async () => {
		expect((await get(j.rt, "/manage/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/data.json")).status).toBe(404);
	});
});

describe("delete me", () => {
	it("removes the reader, their links and every trace of the address", async () => {
		const { managePath, confirmPath, csrf, token } = await reader();
		expect(await tokenCount(j.rt)).toBe(2);
		const res = await postForm(j.rt, `${managePath}/delete`, { confirm: "yes", csrf });
		expect(res.status).toBe(200);
		expect(await res.text()).toContain("Your data is deleted");

		expect(await subscriberRow(j.rt, "reader@example.org")).toBeUndefined();
		expect(await tokenCount(j.rt)).toBe(0);
		const limits = await j.rt.deps.db.selectFrom("rate_limits").select("key").execute();
		expect(limits.map((l) => l.key).join(" ")).not.toContain("reader@");

		expect((await get(j.rt, managePath)).status).toBe(404);
		expect((await get(j.rt, `${managePath}/data.json`)).status).toBe(404);
		expect((await get(j.rt, confirmPath)).status).toBe(404);
		expect((await get(j.rt, `/unsubscribe/${token}`)).status).toBe(404);
		const oneClick = await oneClickUnsubscribe(j.rt, token);
		expect(oneClick.status).toBe(200);
		expect(await oneClick.text()).toContain("belongs to no subscription");
	});

	it("lets the address sign up again later as a new reader", async () => {
		const { managePath, csrf } = await reader();
		await postForm(j.rt, `${managePath}/delete`, { confirm: "yes", csrf });
		j.rt.clock.advance(minutes(15));
		await signup(j.rt, "reader@example.org", "diffusion");
		const row = await subscriberRow(j.rt, "reader@example.org");
		expect(row?.status).toBe("pending");
		expect(row?.confirmed_at).toBeNull();
		expect((await settledMail(j)).map((m) => m.parsed.subject)).toEqual([
			"Confirm your paperboy subscription",
			"Confirm your paperboy subscription",
		]);
	});

	it("asks for the confirmation box on the server too, and deletes nothing without it", async () => {
		const { managePath, csrf } = await reader();
		const res = await postForm(j.rt, `${managePath}/delete`, { csrf });
		expect(res.status).toBe(422);
		expect(await res.text()).toContain("Tick the box to confirm that everything should be deleted.");
		expect((await subscriberRow(j.rt, "reader@example.org"))?.status).toBe("active");
	});
});
