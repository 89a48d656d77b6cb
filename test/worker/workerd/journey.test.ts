import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import {
	addPapers,
	apiRequestsTo,
	db,
	inputValue,
	linkIn,
	mailApiUrl,
	migrate,
	oneClickUnsubscribe,
	postForm,
	request,
	signup,
	smtpMessagesTo,
	subscriber,
} from "./helpers.ts";

beforeAll(migrate);

describe("the web journey on workerd with D1", () => {
	it("answers /healthz with the instance id its D1 migrations made (what `paperboy doctor` compares)", async () => {
		const first = (await (await request("/healthz")).json()) as { ok: boolean; instance: string };
		expect(first.ok).toBe(true);
		expect(first.instance).toMatch(/^[0-9a-f]{32}$/);
		expect(((await (await request("/healthz")).json()) as { instance: string }).instance).toBe(first.instance);
	});

	it("signs up, confirms from the emailed link, edits topics and unsubscribes in one click", async () => {
		const email = "journey@example.org";
		const form = await request("/");
		expect(form.status).toBe(200);
		expect(await form.text()).toContain('name="keywords"');

		const subscribed = await signup(email, "state space models, diffusion");
		expect(subscribed.status).toBe(200);
		expect(await subscribed.text()).toContain("Check your inbox");
		expect((await subscriber(email))?.status).toBe("pending");

		const [confirmation] = await smtpMessagesTo(email);
		expect(confirmation?.subject).toBe("Confirm your paperboy subscription");
		expect(confirmation?.headers["message-id"]).toMatch(/^<[\w-]{32}@paperboy\.test>$/);
		expect(confirmation?.headers.date).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
		expect(confirmation?.headers["auto-submitted"]).toBe("auto-generated");
		// No text from the form before the address is confirmed: how many topics, not which.
		expect(confirmation?.html).toContain("on 2 topics");
		expect(confirmation?.html).not.toContain("state space models");

		const confirmed = await request(linkIn(confirmation?.text ?? "", "/confirm/"));
		expect(confirmed.status).toBe(303);
		const managePath = new URL(confirmed.headers.get("location") ?? "", "http://x").pathname;
		expect(managePath).toMatch(/^\/manage\/[\w-]{43}$/);
		expect((await subscriber(email))?.status).toBe("active");

		const manage = await (await request(managePath)).text();
		expect(manage).toContain(email);
		const saved = await postForm(managePath, {
			keywords: "mixture of experts",
			frequency: "daily",
			csrf: inputValue(manage, "csrf"),
		});
		expect(saved.status).toBe(303);
		const edited = await subscriber(email);
		expect(JSON.parse(edited?.keywords ?? "[]")).toEqual(["mixture of experts"]);
		expect(edited?.frequency).toBe("daily");

		// The manage page links to the reader's unsubscribe link, a token of its own.
		const token = /href="\/unsubscribe\/([\w-]{43})"/.exec(manage)?.[1];
		expect(token).not.toBe(managePath.split("/")[2]);
		const page = await request(`/unsubscribe/${token}`);
		expect(page.status).toBe(200);
		expect((await subscriber(email))?.status).toBe("active");
		expect((await oneClickUnsubscribe(`/unsubscribe/${token}`)).status).toBe(200);
		expect((await subscriber(email))?.status).toBe("unsubscribed");
	});

	it("sends the confirmation through the HTTP mail API when MAIL_TRANSPORT=http", async () => {
		const email = "api-journey@example.org";
		const httpEnv = { ...env, MAIL_TRANSPORT: "http", MAIL_API_URL: mailApiUrl(), MAIL_API_TOKEN: "test-token" };
		expect((await signup(email, "retrieval", httpEnv)).status).toBe(200);
		const [sent] = await apiRequestsTo(email);
		expect(sent?.headers.authorization).toBe("Bearer test-token");
		expect(sent?.headers["idempotency-key"]).toMatch(/^[\w-]{32}@paperboy\.test$/);
		expect(sent?.body.subject).toBe("Confirm your paperboy subscription");
		expect(sent?.body.from).toBe(env.MAIL_FROM);
		expect(sent?.body.text).toContain(`/confirm/`);
		expect(sent?.body.html).toContain("on 1 topic.");
		expect(sent?.body.headers?.["Auto-Submitted"]).toBe("auto-generated");
		expect(sent?.body.headers?.["Message-ID"]).toBe(`<${sent?.headers["idempotency-key"]}>`);
		expect(sent?.body.headers?.Date).toMatch(/\+0000$/);
	});

	it("renders the signup page once per isolate, not once per request, until the papers change", async () => {
		await addPapers([{ id: "2611.90001", title: "Cached Title Before", abstract: "About caching pages." }]);
		const first = await (await request("/")).text();
		expect(first).toContain("Cached Title Before");
		// Behind the app's back: a new title, but the papers' version (max updated_at) as it was.
		await db.updateTable("papers").set({ title: "Cached Title After" }).where("id", "=", "2611.90001").execute();
		const second = await (await request("/")).text();
		expect(second).toContain("Cached Title Before");
		expect(second).not.toContain("Cached Title After");
		expect(inputValue(second, "stamp")).toMatch(/^\d+\./);
		// A paper coming in changes the version: the page is rendered again.
		await addPapers([{ id: "2611.90002", title: "Cached Title Newer", abstract: "About new papers." }]);
		const third = await (await request("/")).text();
		expect(third).toContain("Cached Title After");
		expect(third).toContain("Cached Title Newer");
	});

	it("keys the per-network signup limit on the /64 of an IPv6 client", async () => {
		const limited = { ...env, RATE_LIMIT_SUBSCRIBE_PER_IP_PER_HOUR: "2" };
		const from = (ip: string) => ({ "cf-connecting-ip": ip });
		const statuses = [];
		for (const [i, ip] of ["2001:db8:9:1::1", "2001:db8:9:1:ffff::2", "2001:db8:9:1:1:2:3:4"].entries()) {
			statuses.push((await signup(`v6-${i}@example.org`, "diffusion", limited, from(ip))).status);
		}
		expect(statuses).toEqual([200, 200, 429]);
		expect((await signup("v6-other@example.org", "diffusion", limited, from("2001:db8:9:2::1"))).status).toBe(200);
	});

	it("refuses a signup posted from another site", async () => {
		const res = await signup("cross@example.org", "diffusion", env, { origin: "https://evil.example" });
		expect(res.status).toBe(403);
		expect(await subscriber("cross@example.org")).toBeUndefined();
	});

	it("answers every request with a plain 500 when the settings are invalid", async () => {
		const broken = { ...env, SECRET: "short" };
		const res = await request("/", {}, broken);
		expect(res.status).toBe(500);
		expect(await res.text()).toContain("not configured correctly");
	});
});
