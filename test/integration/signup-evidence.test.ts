import { describe, expect, it } from "vitest";
import { minutes } from "../helpers/clock.ts";
import { lastMailTo, subscriberRow, useJourney } from "../helpers/journey.ts";
import { asClient, get, linkIn, signup, textareaText } from "../helpers/web.ts";

const j = useJourney();

describe("mail before confirmation carries no text from the form", () => {
	it("says how many topics there are; the page the link opens shows them", async () => {
		const scam =
			"URGENT your account is suspended, verify now at https://paypa1-secure.example/login, call +1 555 0100";
		expect((await signup(j.rt, "someone@example.org", scam)).status).toBe(200);
		const mail = await lastMailTo(j, "someone@example.org");
		expect(mail.parsed.subject).toBe("Confirm your paperboy subscription");
		for (const part of [mail.parsed.text ?? "", mail.parsed.html || ""]) {
			expect(part).toContain("on 3 topics");
			for (const typed of ["URGENT", "suspended", "paypa1", "555 0100", "verify now"])
				expect(part).not.toContain(typed);
		}

		const confirmed = await get(j.rt, linkIn(mail, "/confirm/"));
		expect(confirmed.status).toBe(303);
		const page = await (await get(j.rt, confirmed.headers.get("location") ?? "")).text();
		expect(textareaText(page, "keywords")).toBe(
			"URGENT your account is suspended, verify now at https://paypa1-secure.example/login, call +1 555 0100",
		);
	});
});

describe("a pending signup belongs to the link that was mailed", () => {
	it("confirms the topics and consent of its own signup, whatever later signups for the address said", async () => {
		const email = "reader@example.org";
		await signup(asClient(j.rt, "198.51.100.1"), email, "diffusion", {}, { "user-agent": "ReaderLaptop/1.0" });
		const first = linkIn(await lastMailTo(j, email), "/confirm/");
		const signedUpAt = (await subscriberRow(j.rt, email))?.consent_at;

		// A stranger posts the same address: within the cooldown (no mail) and after it (a second mail).
		const stranger = asClient(j.rt, "192.0.2.66");
		await signup(stranger, email, "crypto giveaway", {}, { "user-agent": "Stranger/6.6" });
		j.rt.clock.advance(minutes(11));
		await signup(stranger, email, "crypto giveaway", {}, { "user-agent": "Stranger/6.6" });
		const second = linkIn(await lastMailTo(j, email), "/confirm/");
		expect(second).not.toBe(first);
		expect(j.sink.to(email)).toHaveLength(2);

		j.rt.clock.advance(minutes(5));
		const clicked = await get(asClient(j.rt, "203.0.113.50"), first, { "user-agent": "ReaderPhone/2.0" });
		expect(clicked.status).toBe(303);
		const row = await subscriberRow(j.rt, email);
		expect(row).toMatchObject({
			status: "active",
			consent_at: signedUpAt,
			consent_ip: "198.51.100.1",
			consent_user_agent: "ReaderLaptop/1.0",
			confirmed_at: j.rt.clock.now().toISOString(),
			confirm_ip: "203.0.113.50",
			confirm_user_agent: "ReaderPhone/2.0",
		});
		expect(JSON.parse(row?.keywords ?? "[]")).toEqual(["diffusion"]);

		// The stranger's link, clicked later, changes nothing of the confirmed reader.
		expect((await get(j.rt, second)).status).toBe(303);
		expect(JSON.parse((await subscriberRow(j.rt, email))?.keywords ?? "[]")).toEqual(["diffusion"]);
		expect((await subscriberRow(j.rt, email))?.consent_ip).toBe("198.51.100.1");
	});

	it("confirms a later signup's topics when that is the link clicked", async () => {
		const email = "changed-mind@example.org";
		await signup(j.rt, email, "diffusion");
		j.rt.clock.advance(minutes(11));
		await signup(j.rt, email, "retrieval");
		await get(j.rt, linkIn(await lastMailTo(j, email), "/confirm/"));
		expect(JSON.parse((await subscriberRow(j.rt, email))?.keywords ?? "[]")).toEqual(["retrieval"]);
	});
});
