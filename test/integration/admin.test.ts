import { beforeEach, expect, it } from "vitest";
import { runDigest } from "../../src/core/jobs/run-job.ts";
import { hours } from "../helpers/clock.ts";
import { useJourney } from "../helpers/journey.ts";
import { addReaders } from "../helpers/readers.ts";
import { createTestRuntime, type TestRuntime } from "../helpers/runtime.ts";
import type { SmtpSink } from "../helpers/smtp-sink.ts";

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
	await bare.dispose();
});
