import { afterAll, expect, it } from "vitest";
import { runDigest } from "../../src/core/jobs/run-job.ts";
import { hours } from "../helpers/clock.ts";
import { useJourney } from "../helpers/journey.ts";
import { startMailApi } from "../helpers/mail-api.ts";
import { addReaders } from "../helpers/readers.ts";
import { get, origin, signup } from "../helpers/web.ts";

// MAIL_TRANSPORT=http on Node: everything goes to the API stand-in, nothing to the SMTP sink.
const api = await startMailApi();
afterAll(() => api.close());
const j = useJourney({ MAIL_TRANSPORT: "http", MAIL_API_URL: api.url, MAIL_API_TOKEN: "test-token" });

const sentTo = (email: string) => api.requests.filter((r) => r.body.to?.includes(email));

it("sends the confirmation through the HTTP mail API, and its link confirms", async () => {
	const email = "api-node@example.org";
	expect((await signup(j.rt, email, "retrieval")).status).toBe(200);
	await j.rt.idle();
	const [sent] = sentTo(email);
	expect(sent?.headers.authorization).toBe("Bearer test-token");
	expect(sent?.headers["idempotency-key"]).toMatch(/^[\w-]{32}@paperboy\.test$/);
	expect(sent?.body.subject).toBe("Confirm your paperboy subscription");
	expect(sent?.body.html).toContain("on 1 topic.");
	expect(sent?.body.headers?.["Message-ID"]).toBe(`<${sent?.headers["idempotency-key"]}>`);
	const link = new RegExp(`${origin}(/confirm/[\\w-]+)`).exec(sent?.body.text ?? "")?.[1] ?? "";
	expect((await get(j.rt, link)).status).toBe(303);
	expect(j.sink.messages).toHaveLength(0);
});

it("sends digests through it too, with the one-click unsubscribe headers", async () => {
	await addReaders(j.rt, { "api-digest@example.org": "state space models" });
	j.rt.clock.advance(hours(1));
	expect(await runDigest(j.rt.deps, ["weekly"])).toMatchObject({ planned: 1, sent: 1 });
	const [digest] = sentTo("api-digest@example.org");
	expect(digest?.body.subject).toBe("5 new papers on state space models");
	expect(digest?.body.headers?.["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
	expect(digest?.body.headers?.["List-Unsubscribe"]).toMatch(/^<http:\/\/paperboy\.test\/unsubscribe\/[\w-]{43}>$/);
	// Resend's webhooks echo the tag back: it names the delivery a bounce or complaint is about.
	const [delivery] = await j.rt.deps.db.selectFrom("deliveries").select("id").execute();
	expect(digest?.body.tags).toEqual([
		{ name: "paperboy-delivery", value: expect.stringMatching(new RegExp(`^${delivery?.id}_[\\w-]{22}$`)) },
	]);
	expect(j.sink.messages).toHaveLength(0);
});
