import { describe, expect, it } from "vitest";
import { hours, minutes, seconds } from "../helpers/clock.ts";
import { settledMail, subscriberRow, useJourney } from "../helpers/journey.ts";
import { createTestRuntime } from "../helpers/runtime.ts";
import { asClient, fieldError, get, inputValue, postForm, signup, textareaText } from "../helpers/web.ts";

const j = useJourney({ RATE_LIMIT_SUBSCRIBE_PER_IP_PER_HOUR: "5" });

/** Dropped silently: the same 200 page as a real signup, and nothing stored or sent. */
async function expectDropped(res: Response, email: string) {
	expect(res.status).toBe(200);
	expect(await res.text()).toContain("Check your inbox");
	expect(await subscriberRow(j.rt, email)).toBeUndefined();
	expect(await settledMail(j)).toHaveLength(0);
}

describe("per-address limits", () => {
	it("send at most one email for ten signups of one address from ten addresses", async () => {
		for (let i = 1; i <= 10; i++) {
			const res = await signup(asClient(j.rt, `198.51.100.${i}`), "target@example.org", "diffusion");
			expect(res.status).toBe(200);
			expect(await res.text()).toContain("Check your inbox");
		}
		expect((await settledMail(j)).map((m) => m.envelopeTo[0])).toEqual(["target@example.org"]);
	});

	it("allow a few emails a day, one per cooldown", async () => {
		for (let i = 0; i < 6; i++) {
			await signup(j.rt, "patient@example.org", "diffusion");
			j.rt.clock.advance(minutes(11));
		}
		expect(await settledMail(j)).toHaveLength(3);
		j.rt.clock.advance(hours(24));
		await signup(j.rt, "patient@example.org", "diffusion");
		expect(await settledMail(j)).toHaveLength(4);
	});
});

describe("the per-IP limit", () => {
	it("answers 429 with the form and what was typed, and lifts after the hour", async () => {
		for (let i = 0; i < 5; i++) expect((await signup(j.rt, `r${i}@example.org`, "diffusion")).status).toBe(200);
		const limited = await signup(j.rt, "sixth@example.org", "state space models");
		expect(limited.status).toBe(429);
		const page = await limited.text();
		expect(page).toContain("Too many signups from your network");
		expect(inputValue(page, "email")).toBe("sixth@example.org");
		expect(textareaText(page, "keywords")).toBe("state space models");
		expect(fieldError(page, "email")).toBeUndefined();
		expect(await subscriberRow(j.rt, "sixth@example.org")).toBeUndefined();

		expect((await signup(asClient(j.rt, "192.0.2.99"), "other@example.org", "diffusion")).status).toBe(200);
		j.rt.clock.advance(hours(1));
		expect((await signup(j.rt, "sixth@example.org", "diffusion")).status).toBe(200);
		expect(await settledMail(j)).toHaveLength(7);
	});

	it("cannot be dodged with a forged X-Forwarded-For when no proxy is trusted", async () => {
		const statuses = [];
		for (let i = 0; i < 6; i++) {
			const page = await (await get(j.rt, "/")).text();
			j.rt.clock.advance(seconds(5));
			const fields = { email: `f${i}@example.org`, keywords: "diffusion", stamp: inputValue(page, "stamp") };
			statuses.push((await postForm(j.rt, "/subscribe", fields, { "x-forwarded-for": `10.0.0.${i}` })).status);
		}
		expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
	});
});

describe("behind a trusted proxy", () => {
	it("limits and records the address the proxy saw, not what the client claims", async () => {
		const env = { SMTP_URL: j.sink.url, TRUST_PROXY: "true", RATE_LIMIT_SUBSCRIBE_PER_IP_PER_HOUR: "5" };
		const proxied = await createTestRuntime(env);
		try {
			const statuses = [];
			for (let i = 0; i < 6; i++) {
				const headers = { "x-forwarded-for": `10.0.0.${i}, 198.51.100.7` };
				statuses.push((await signup(proxied, `p${i}@example.org`, "diffusion", {}, headers)).status);
			}
			expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
			expect((await subscriberRow(proxied, "p0@example.org"))?.consent_ip).toBe("198.51.100.7");
		} finally {
			await proxied.dispose();
		}
	});
});

describe("bot defences", () => {
	it("drop a filled honeypot silently", async () => {
		await expectDropped(await signup(j.rt, "bot@example.org", "diffusion", { website: "x" }), "bot@example.org");
	});

	it("drop a form sent faster than a person can fill it", async () => {
		const page = await (await get(j.rt, "/")).text();
		j.rt.clock.advance(seconds(1));
		const fields = { email: "fast@example.org", keywords: "diffusion", website: "", stamp: inputValue(page, "stamp") };
		await expectDropped(await postForm(j.rt, "/subscribe", fields), "fast@example.org");

		j.rt.clock.advance(seconds(1));
		expect((await postForm(j.rt, "/subscribe", fields)).status).toBe(200);
		expect((await subscriberRow(j.rt, "fast@example.org"))?.status).toBe("pending");
	});

	it("drop a form with a missing or forged render time", async () => {
		const page = await (await get(j.rt, "/")).text();
		const [at, signature] = inputValue(page, "stamp").split(".");
		j.rt.clock.advance(seconds(30));
		const forged = `${Number(at) - 60_000}.${signature}`;
		const stamps = [undefined, "", forged, "123", `${at}.`, `${at}.${"A".repeat(43)}`];
		for (const [i, stamp] of stamps.entries()) {
			const fields: Record<string, string> = { email: "forged@example.org", keywords: "diffusion" };
			if (stamp !== undefined) fields.stamp = stamp;
			// One client each: bots count against the per-IP limit too.
			const client = asClient(j.rt, `192.0.2.${i + 1}`);
			await expectDropped(await postForm(client, "/subscribe", fields), "forged@example.org");
		}
	});

	it("refresh a form left open for more than a day instead of accepting its old render time", async () => {
		const page = await (await get(j.rt, "/")).text();
		j.rt.clock.advance(25 * 3600_000);
		const fields = { email: "slow@example.org", keywords: "diffusion", website: "", stamp: inputValue(page, "stamp") };
		const res = await postForm(j.rt, "/subscribe", fields);
		expect(res.status).toBe(422);
		const again = await res.text();
		expect(again).toContain("This form was open for more than a day");
		expect(again).toContain('value="slow@example.org"');
		expect(await subscriberRow(j.rt, "slow@example.org")).toBeUndefined();
		j.rt.clock.advance(seconds(5));
		expect((await postForm(j.rt, "/subscribe", { ...fields, stamp: inputValue(again, "stamp") })).status).toBe(200);
		expect((await subscriberRow(j.rt, "slow@example.org"))?.status).toBe("pending");
	});
});
