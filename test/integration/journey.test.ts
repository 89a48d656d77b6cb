import { describe, expect, it } from "vitest";
import { confirmedReader, lastMailTo, settledMail, subscriberRow, useJourney } from "../helpers/journey.ts";
import { get, inputValue, linkIn, oneClickUnsubscribe, postForm, signup } from "../helpers/web.ts";

const j = useJourney();

describe("the subscriber journey", () => {
	it("signs up, confirms by email, edits topics, and unsubscribes", async () => {
		const { rt } = j;
		const form = await get(rt, "/");
		expect(form.status).toBe(200);
		const page = await form.text();
		expect(page).toContain('name="email"');
		expect(page).toContain('name="keywords"');
		expect(page).toContain("Large Language Models as Foundations for Next-Gen Dense Retrieval");

		const res = await signup(rt, "Reader@Example.ORG", "state space models, diffusion");
		expect(res.status).toBe(200);
		expect(await res.text()).toContain("Check your inbox");
		const confirmation = await lastMailTo(j, "Reader@example.org");
		expect(confirmation.envelopeTo).toEqual(["Reader@example.org"]);
		expect(confirmation.parsed.subject).toBe("Confirm your paperboy subscription");
		// No text from the form before the address is confirmed: how many topics, not which.
		expect(confirmation.parsed.text).toContain("on 2 topics");
		expect(confirmation.parsed.html).toContain("on 2 topics");
		expect(`${confirmation.parsed.text}${confirmation.parsed.html}`).not.toContain("state space");
		expect(confirmation.parsed.text).toContain("48 hours");
		expect((await subscriberRow(rt, "Reader@example.org"))?.status).toBe("pending");

		const confirmPath = linkIn(confirmation, "/confirm/");
		const confirmed = await get(rt, confirmPath);
		expect(confirmed.status).toBe(303);
		const managePath = new URL(confirmed.headers.get("location") ?? "", "http://x").pathname;
		expect(managePath).toMatch(/^\/manage\/[\w-]{43}$/);
		const activated = await subscriberRow(rt, "Reader@example.org");
		expect(activated?.status).toBe("active");
		expect(activated?.confirmed_at).toBe(rt.clock.now().toISOString());

		const manage = await (await get(rt, managePath)).text();
		expect(manage).toContain("Reader@example.org");
		expect(manage).toContain("state space models, diffusion");
		const token = /href="\/unsubscribe\/([\w-]{43})"/.exec(manage)?.[1] ?? "";
		expect(token).not.toBe(managePath.split("/")[2]);
		const csrf = inputValue(manage, "csrf");
		const saved = await postForm(rt, managePath, { keywords: "mixture of experts", frequency: "daily", csrf });
		expect(saved.status).toBe(303);
		const after = await subscriberRow(rt, "Reader@example.org");
		expect(JSON.parse(after?.keywords ?? "[]")).toEqual(["mixture of experts"]);
		expect(after?.frequency).toBe("daily");

		const unsubscribePage = await get(rt, `/unsubscribe/${token}`);
		expect(unsubscribePage.status).toBe(200);
		expect((await subscriberRow(rt, "Reader@example.org"))?.status).toBe("active");
		const oneClick = await oneClickUnsubscribe(rt, token);
		expect(oneClick.status).toBe(200);
		expect((await subscriberRow(rt, "Reader@example.org"))?.status).toBe("unsubscribed");
		// Confirmation is the only mail an unconfirmed address ever got; nothing after leaving.
		expect((await settledMail(j)).map((m) => m.parsed.subject)).toEqual(["Confirm your paperboy subscription"]);
	});

	it("sends a confirmed reader who signs up again their manage link instead of a confirmation", async () => {
		const reader = await confirmedReader(j, "again@example.org", "diffusion");
		j.rt.clock.advance(3_600_000);
		const res = await signup(j.rt, "again@example.org", "something else entirely");
		expect(res.status).toBe(200);
		const mail = await lastMailTo(j, "again@example.org");
		expect(mail.parsed.subject).toBe("Your paperboy subscription");
		expect(linkIn(mail, "/manage/")).toBe(reader.managePath);
		const row = await subscriberRow(j.rt, "again@example.org");
		expect(row?.status).toBe("active");
		// A stranger typing the address cannot change the reader's topics.
		expect(JSON.parse(row?.keywords ?? "[]")).toEqual(["diffusion"]);
	});
});
