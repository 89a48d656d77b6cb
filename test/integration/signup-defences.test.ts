import { describe, expect, it } from "vitest";
import { hours, minutes, seconds } from "../helpers/clock.ts";
import { settledMail, subscriberRow, useJourney } from "../helpers/journey.ts";
import { createTestRuntime, recordingLogger } from "../helpers/runtime.ts";
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
		const [at, nonce, signature] = inputValue(page, "stamp").split(".");
		j.rt.clock.advance(seconds(30));
		const forged = `${Number(at) - 60_000}.${nonce}.${signature}`;
		const otherNonce = `${at}.${"B".repeat(22)}.${signature}`;
		const stamps = [undefined, "", forged, otherNonce, "123", `${at}.${nonce}.`, `${at}.${nonce}.${"A".repeat(43)}`];
		for (const [i, stamp] of stamps.entries()) {
			const fields: Record<string, string> = { email: "forged@example.org", keywords: "diffusion" };
			if (stamp !== undefined) fields.stamp = stamp;
			// One client each: bots count against the per-IP limit too.
			const client = asClient(j.rt, `192.0.2.${i + 1}`);
			await expectDropped(await postForm(client, "/subscribe", fields), "forged@example.org");
		}
	});

	it("refresh a form left open for more than an hour instead of accepting its old render time", async () => {
		const page = await (await get(j.rt, "/")).text();
		j.rt.clock.advance(minutes(61));
		const fields = { email: "slow@example.org", keywords: "diffusion", website: "", stamp: inputValue(page, "stamp") };
		const res = await postForm(j.rt, "/subscribe", fields);
		expect(res.status).toBe(422);
		const again = await res.text();
		expect(again).toContain("This form was open for more than an hour");
		expect(again).toContain('value="slow@example.org"');
		expect(await subscriberRow(j.rt, "slow@example.org")).toBeUndefined();
		j.rt.clock.advance(seconds(5));
		expect((await postForm(j.rt, "/subscribe", { ...fields, stamp: inputValue(again, "stamp") })).status).toBe(200);
		expect((await subscriberRow(j.rt, "slow@example.org"))?.status).toBe("pending");
	});
});

describe("one stamp, one signup", () => {
	it("drops a second signup sent with the same form stamp, silently", async () => {
		const stamp = inputValue(await (await get(j.rt, "/")).text(), "stamp");
		j.rt.clock.advance(seconds(5));
		const first = await postForm(j.rt, "/subscribe", { email: "one@example.org", keywords: "diffusion", stamp });
		expect(first.status).toBe(200);
		const replayed = await postForm(asClient(j.rt, "198.51.100.20"), "/subscribe", {
			email: "two@example.org",
			keywords: "diffusion",
			stamp,
		});
		expect(replayed.status).toBe(200);
		expect(await replayed.text()).toContain("Check your inbox");
		expect(await subscriberRow(j.rt, "two@example.org")).toBeUndefined();
		expect((await subscriberRow(j.rt, "one@example.org"))?.status).toBe("pending");
		expect((await settledMail(j)).map((m) => m.envelopeTo[0])).toEqual(["one@example.org"]);
	});
});

describe("posts from other sites", () => {
	const crossSite: [string, Record<string, string>][] = [
		["another Origin", { origin: "http://evil.test" }],
		["Origin null", { origin: "null" }],
		["Sec-Fetch-Site: cross-site", { origin: "", "sec-fetch-site": "cross-site" }],
		["Sec-Fetch-Site: same-site", { origin: "", "sec-fetch-site": "same-site" }],
		["both, another site", { origin: "https://evil.example", "sec-fetch-site": "cross-site" }],
	];

	it("are refused with the form and what was typed, and nothing is stored or sent", async () => {
		for (const [what, headers] of crossSite) {
			const res = await signup(j.rt, "victim@example.org", "state space models", {}, headers);
			expect(res.status, what).toBe(403);
			const page = await res.text();
			expect(page, what).toContain("This signup came from another website");
			expect(inputValue(page, "email"), what).toBe("victim@example.org");
			expect(textareaText(page, "keywords"), what).toBe("state space models");
		}
		expect(await subscriberRow(j.rt, "victim@example.org")).toBeUndefined();
		expect(await settledMail(j)).toHaveLength(0);
	});

	it("but our own form is taken, whether the browser sends Origin, Sec-Fetch-Site, both or neither", async () => {
		const own: Record<string, string>[] = [
			{ origin: "http://paperboy.test" },
			{ origin: "", "sec-fetch-site": "same-origin" },
			{ origin: "http://paperboy.test", "sec-fetch-site": "same-origin" },
			// An old browser without JavaScript sends neither.
			{ origin: "" },
		];
		for (const [i, headers] of own.entries()) {
			expect((await signup(j.rt, `own${i}@example.org`, "diffusion", {}, headers)).status).toBe(200);
			expect((await subscriberRow(j.rt, `own${i}@example.org`))?.status).toBe("pending");
		}
		expect(await settledMail(j)).toHaveLength(4);
	});
});

describe("variants of one mailbox", () => {
	it("share its limits: +tags, case, and dots at Gmail", async () => {
		const variants = [
			"Victim@gmail.com",
			"victim+1@gmail.com",
			"v.i.c.t.i.m+2@googlemail.com",
			"VICTIM+news@GMAIL.com",
			"vic.tim@gmail.com",
		];
		// All within one cooldown, each from another network: one mail.
		for (const [i, email] of variants.entries())
			await signup(asClient(j.rt, `198.51.100.${i + 1}`), email, "diffusion");
		expect((await settledMail(j)).map((m) => m.envelopeTo[0])).toEqual(["Victim@gmail.com"]);
		// Spread over the day, past every cooldown: the daily limit of 3 holds across variants.
		for (const [i, email] of variants.entries()) {
			j.rt.clock.advance(minutes(11));
			await signup(asClient(j.rt, `198.51.100.${i + 10}`), email, "diffusion");
		}
		expect(await settledMail(j)).toHaveLength(3);
		// Stored as typed (domain normalised).
		expect((await subscriberRow(j.rt, "Victim@gmail.com"))?.email).toBe("Victim@gmail.com");
		expect((await subscriberRow(j.rt, "victim+1@gmail.com"))?.email).toBe("victim+1@gmail.com");
	});

	it("but addresses at other providers keep their dots", async () => {
		await signup(j.rt, "first.last@example.org", "diffusion");
		await signup(asClient(j.rt, "198.51.100.2"), "firstlast@example.org", "diffusion");
		expect(await settledMail(j)).toHaveLength(2);
	});
});

describe("IPv6 clients", () => {
	it("share one per-network limit across their /64", async () => {
		const statuses = [];
		for (let i = 0; i < 6; i++) {
			const client = asClient(j.rt, `2001:db8:1:2:${(i * 4099).toString(16)}::${i + 1}`);
			statuses.push((await signup(client, `v6-${i}@example.org`, "diffusion")).status);
		}
		expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
		expect((await signup(asClient(j.rt, "2001:db8:1:3::1"), "v6-next@example.org", "diffusion")).status).toBe(200);
		// The consent record keeps the full address.
		expect((await subscriberRow(j.rt, "v6-0@example.org"))?.consent_ip).toBe("2001:db8:1:2:0::1");
	});
});

describe("the hourly cap on signup mail", () => {
	it("drops signup mail above it silently, says so once at error level, and counts what it dropped", async () => {
		const { log, lines } = recordingLogger();
		const rt = await j.restart({ SIGNUP_MAIL_PER_HOUR: "3" }, { log });
		const pages = [];
		for (let i = 0; i < 6; i++) {
			const res = await signup(asClient(rt, `198.51.100.${i + 1}`), `cap${i}@example.org`, "diffusion");
			pages.push((await res.text()).replace(`cap${i}@example.org`, "ADDRESS"));
			expect(res.status).toBe(200);
		}
		expect(new Set(pages).size).toBe(1);
		expect((await settledMail(j)).map((m) => m.envelopeTo[0])).toEqual([
			"cap0@example.org",
			"cap1@example.org",
			"cap2@example.org",
		]);
		expect(await subscriberRow(rt, "cap3@example.org")).toBeUndefined();
		const alarms = lines.filter((l) => l.startsWith("error ") && l.includes("signup mail cap reached"));
		expect(alarms).toHaveLength(1);
		const dropped = await rt.deps.db
			.selectFrom("rate_limits")
			.select(["window_start", "count"])
			.where("key", "=", "signup-mail-dropped")
			.execute();
		expect(dropped).toEqual([{ window_start: "2026-11-23T08", count: 3 }]);

		// The next hour has its own budget.
		rt.clock.advance(hours(1));
		await signup(asClient(rt, "198.51.100.50"), "next-hour@example.org", "diffusion");
		expect(await settledMail(j)).toHaveLength(4);
	});
});
