import { describe, expect, it } from "vitest";
import { minutes } from "../helpers/clock.ts";
import { confirmedReader, settledMail, subscriberRow, useJourney } from "../helpers/journey.ts";
import { get, oneClickUnsubscribe, postRaw } from "../helpers/web.ts";

const j = useJourney();

describe("the unsubscribe link", () => {
	it("GET shows one button and never unsubscribes, however often it is followed", async () => {
		const reader = await confirmedReader(j, "reader@example.org");
		for (let i = 0; i < 3; i++) {
			const res = await get(j.rt, `/unsubscribe/${reader.unsubscribeToken}`, { "user-agent": "LinkScanner/1.0" });
			expect(res.status).toBe(200);
			const page = await res.text();
			expect(page).toContain("Stop all paperboy email to <strong>reader@example.org</strong>?");
			expect(page.match(/<button/g)).toHaveLength(1);
			expect(page).toContain(`<form method="post" action="/unsubscribe/${reader.unsubscribeToken}">`);
			// The unsubscribe link opens nothing else: no way from here to the manage page.
			expect(page).not.toContain("/manage/");
		}
		const head = await j.rt.app.request(`http://paperboy.test/unsubscribe/${reader.unsubscribeToken}`, {
			method: "HEAD",
		});
		expect(head.status).toBe(200);
		expect((await subscriberRow(j.rt, reader.email))?.status).toBe("active");
	});

	it("one-click POST (RFC 8058) without cookie, Origin or token unsubscribes with a 200, no redirect", async () => {
		const reader = await confirmedReader(j, "reader@example.org");
		const res = await oneClickUnsubscribe(j.rt, reader.unsubscribeToken);
		expect(res.status).toBe(200);
		expect(res.headers.get("location")).toBeNull();
		expect(await res.text()).toContain("You will get no more email from paperboy.");
		const row = await subscriberRow(j.rt, reader.email);
		expect(row?.status).toBe("unsubscribed");
		expect(row?.unsubscribed_at).toBe(j.rt.clock.now().toISOString());
	});

	it("is idempotent: repeating it keeps the first time and still answers 200", async () => {
		const reader = await confirmedReader(j, "reader@example.org");
		await oneClickUnsubscribe(j.rt, reader.unsubscribeToken);
		const first = (await subscriberRow(j.rt, reader.email))?.unsubscribed_at;
		j.rt.clock.advance(minutes(30));
		for (let i = 0; i < 2; i++) expect((await oneClickUnsubscribe(j.rt, reader.unsubscribeToken)).status).toBe(200);
		expect((await subscriberRow(j.rt, reader.email))?.unsubscribed_at).toBe(first);
		const page = await (await get(j.rt, `/unsubscribe/${reader.unsubscribeToken}`)).text();
		expect(page).toContain("You are unsubscribed");
	});

	it("works from the page's button, which posts with our Origin", async () => {
		const reader = await confirmedReader(j, "reader@example.org");
		const res = await postRaw(j.rt, `/unsubscribe/${reader.unsubscribeToken}`, "List-Unsubscribe=One-Click", {
			"content-type": "application/x-www-form-urlencoded",
			origin: "http://paperboy.test",
			cookie: "session=irrelevant",
		});
		expect(res.status).toBe(200);
		expect((await subscriberRow(j.rt, reader.email))?.status).toBe("unsubscribed");
	});

	it("also takes a one-click POST from a provider that sends another site's Origin or a multipart body", async () => {
		const reader = await confirmedReader(j, "reader@example.org");
		const form = new FormData();
		form.append("List-Unsubscribe", "One-Click");
		const res = await postRaw(j.rt, `/unsubscribe/${reader.unsubscribeToken}`, form, {
			origin: "https://mail.example.com",
		});
		expect(res.status).toBe(200);
		expect((await subscriberRow(j.rt, reader.email))?.status).toBe("unsubscribed");
	});

	it("sends nothing and leaves other readers alone", async () => {
		const reader = await confirmedReader(j, "reader@example.org");
		await confirmedReader(j, "other@example.org");
		await oneClickUnsubscribe(j.rt, reader.unsubscribeToken);
		expect((await subscriberRow(j.rt, "other@example.org"))?.status).toBe("active");
		expect(await settledMail(j)).toHaveLength(2);
	});

	it("answers a link that belongs to nobody without failing", async () => {
		expect((await get(j.rt, "/unsubscribe/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).status).toBe(404);
		const res = await oneClickUnsubscribe(j.rt, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
		expect(res.status).toBe(200);
		expect(await res.text()).toContain("This link belongs to no subscription");
	});
});
