import { beforeEach, describe, expect, it } from "vitest";
import { addSuppression, countSuppressions } from "../../src/core/db/suppressions.ts";
import { pruneExpired } from "../../src/core/jobs/housekeeping.ts";
import { runDigest } from "../../src/core/jobs/run-job.ts";
import { hours, minutes } from "../helpers/clock.ts";
import { useJourney } from "../helpers/journey.ts";
import { addReaders } from "../helpers/readers.ts";
import { createTestRuntime, type TestRuntime } from "../helpers/runtime.ts";
import type { SmtpSink } from "../helpers/smtp-sink.ts";
import { asClient, get, inputValue, postForm } from "../helpers/web.ts";

const adminToken = "admin-token-0123456789";
const j = useJourney({ ADMIN_TOKEN: adminToken });
let sink: SmtpSink;
let rt: TestRuntime;

beforeEach(() => {
	({ sink, rt } = j);
	rt.clock.advance(hours(1));
});

const report = (body: unknown, token = adminToken) =>
	rt.app.request("http://paperboy.test/admin/suppressions", {
		method: "POST",
		headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
		body: JSON.stringify(body),
	});

it("takes bounce and complaint reports behind the admin token, and never mails those addresses again", async () => {
	await addReaders(rt, { "complainer@example.org": "state space models", "ann@example.org": "state space models" });
	expect((await report({ email: "complainer@example.org", reason: "complaint" }, "wrong")).status).toBe(401);
	expect((await report({ email: "not an address", reason: "complaint" })).status).toBe(422);
	expect((await report({ email: "complainer@example.org", reason: "spam" })).status).toBe(422);
	const ok = await report({ email: "Complainer@EXAMPLE.org", reason: "complaint", detail: "feedback loop" });
	expect(ok.status).toBe(200);
	expect(await ok.json()).toEqual({ suppressed: "Complainer@example.org", reason: "complaint" });

	expect(await runDigest(rt.deps, ["weekly"])).toMatchObject({ planned: 1, sent: 1 });
	await sink.waitFor(1);
	expect(sink.messages.map((m) => m.envelopeTo[0])).toEqual(["ann@example.org"]);
});

it("does not exist without an admin token", async () => {
	const bare = await createTestRuntime();
	const res = await bare.app.request("http://paperboy.test/admin/suppressions", { method: "POST", body: "{}" });
	expect(res.status).toBe(404);
	expect((await get(bare, "/admin")).status).toBe(404);
	expect((await get(bare, "/admin/sign-in")).status).toBe(404);
	await bare.dispose();
});

describe("the admin area's sign-in", () => {
	const signIn = (token: string, runtime = rt) => postForm(runtime, "/admin/sign-in", { token });
	const cookieOf = (res: Response) => res.headers.get("set-cookie") ?? "";

	it("rations attempts per network, right or wrong, and other networks still get in", async () => {
		for (let i = 0; i < 5; i++) expect((await signIn("wrong-token-0123456789")).status).toBe(401);
		const limited = await signIn(adminToken);
		expect(limited.status).toBe(429);
		expect(cookieOf(limited)).toBe("");
		expect(await limited.text()).toContain("Too many attempts");
		const elsewhere = await signIn(adminToken, asClient(rt, "198.51.100.9"));
		expect(elsewhere.status).toBe(303);
		// A quarter of an hour later the first network may try again.
		rt.clock.advance(minutes(15));
		expect((await signIn(adminToken)).status).toBe(303);
	});

	it("behind https the cookie is __Host-, Secure, HttpOnly, SameSite=Strict and expires; forms need the session's CSRF field and our Origin", async () => {
		const https = await j.restart({ ADMIN_TOKEN: adminToken, BASE_URL: "https://paperboy.example" });
		const res = await signIn(adminToken, https);
		const cookie = cookieOf(res);
		expect(cookie).toMatch(
			/^__Host-paperboy-admin=[\w-]{43}; Max-Age=43200; Path=\/; HttpOnly; Secure; SameSite=Strict$/,
		);
		const session = { cookie: cookie.split(";")[0] ?? "" };
		const page = await (await get(https, "/admin/suppressions", session)).text();
		const csrf = inputValue(page, "csrf");
		await addSuppression(https.deps.db, {
			email: "a@example.org",
			reason: "manual",
			detail: null,
			at: "2026-11-23T08:00:00Z",
		});
		const remove = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
			postForm(https, "/admin/suppressions/remove", fields, { ...session, ...headers });
		expect((await remove({ email: "a@example.org" })).status).toBe(403);
		expect((await remove({ email: "a@example.org", csrf: "x".repeat(43) })).status).toBe(403);
		expect((await remove({ email: "a@example.org", csrf }, { origin: "https://evil.example" })).status).toBe(403);
		expect((await remove({ email: "not an address", csrf })).status).toBe(422);
		expect(await countSuppressions(https.deps.db)).toBe(1);
		expect((await remove({ email: "a@example.org", csrf })).status).toBe(303);
		expect(await countSuppressions(https.deps.db)).toBe(0);
		// Twelve hours on, the session is over.
		https.clock.advance(hours(12));
		expect((await get(https, "/admin", session)).headers.get("location")).toBe("/admin/sign-in");
		await pruneExpired(https.deps);
		expect(await https.deps.db.selectFrom("admin_sessions").selectAll().execute()).toEqual([]);
	});
});
