import { join } from "node:path";
import { expect, it } from "vitest";
import { drainOutbox } from "../../src/core/digest/outbox.ts";
import { runDigest } from "../../src/core/jobs/run-job.ts";
import { runCli } from "../helpers/cli.ts";
import { days, FakeClock, hours, minutes } from "../helpers/clock.ts";
import { useJourney } from "../helpers/journey.ts";
import { addReaders } from "../helpers/readers.ts";
import { testSecret } from "../helpers/runtime.ts";

// Retries every 1-10 minutes, so a few hours of outage are many attempts.
const j = useJourney({ SEND_RETRY_BASE_SECONDS: "60", SEND_RETRY_MAX_SECONDS: "600" });
const tryLater = { code: 451, message: "4.3.0 Try again later" };

async function statuses() {
	const rows = await j.rt.deps.db.selectFrom("deliveries").select(["status", "last_error"]).execute();
	return rows.map((r) => r.status);
}

it("keeps a delivery through a long outage until its period-relative deadline, not an attempt count", async () => {
	const rt = j.rt;
	await addReaders(rt, { "ann@example.org": "state space models", "bob@example.org": "state space models" });
	rt.clock.advance(hours(1));
	j.sink.respond = () => tryLater;
	await runDigest(rt.deps, ["weekly"]);
	// Five hours of 451s, drained every quarter of an hour as the server's drain would.
	for (let t = 0; t < 20; t++) {
		rt.clock.advance(minutes(15));
		await drainOutbox(rt.deps);
	}
	const [row] = await rt.deps.db.selectFrom("deliveries").select("attempts").execute();
	expect(row?.attempts).toBeGreaterThan(8);
	expect(await statuses()).toEqual(["pending", "pending"]);
	j.sink.respond = () => undefined;
	rt.clock.advance(minutes(15));
	expect(await drainOutbox(rt.deps)).toMatchObject({ sent: 2, failed: 0, retrying: 0 });
	expect(j.sink.messages).toHaveLength(2);
});

it("gives a weekly delivery up a week after it was planned", async () => {
	const rt = j.rt;
	await addReaders(rt, { "ann@example.org": "state space models" });
	rt.clock.advance(hours(1));
	j.sink.respond = () => tryLater;
	await runDigest(rt.deps, ["weekly"]);
	rt.clock.advance(days(6));
	await drainOutbox(rt.deps);
	expect(await statuses()).toEqual(["pending"]);
	rt.clock.advance(days(1) - minutes(1));
	expect(await drainOutbox(rt.deps)).toMatchObject({ failed: 1, retrying: 0 });
	const [row] = await rt.deps.db.selectFrom("deliveries").select("last_error").execute();
	expect(row?.last_error).toMatch(/^gave up at its deadline 2026-11-30T09:00:00\.000Z after \d+ attempts: .*451/);
});

it("paperboy digest exits non-zero while deliveries wait or failed, and --retry-failed puts failed ones back", async () => {
	const rt = await j.restart({}, { clock: new FakeClock(new Date()) });
	const env = {
		DATABASE_PATH: join(rt.dir, "paperboy.db"),
		SECRET: testSecret,
		SMTP_URL: j.sink.url,
		BASE_URL: "https://paperboy.example",
		MAIL_FROM: "paperboy <digest@paperboy.example>",
	};
	await addReaders(rt, { "ann@example.org": "language models", "bob@example.org": "language models" });
	// The relay refuses bob's digest for good (a policy 5xx) and asks ann's to wait.
	j.sink.respond = (to) =>
		to === "bob@example.org" ? { code: 554, message: "5.7.1 Message refused by policy" } : tryLater;
	const first = await runCli(["digest"], env);
	expect(first.stdout).toContain(
		"2 planned, 0 sent, 0 skipped (no new papers or not active), 1 failed, 1 waiting to retry",
	);
	expect(first.code).toBe(1);
	expect(first.stderr).toContain("1 delivery failed for good");
	expect(first.stderr).toContain("paperboy digest --retry-failed");

	// The relay's policy is fixed: the failed one goes back and out; ann's is not due yet.
	j.sink.respond = (to) => (to === "bob@example.org" ? undefined : tryLater);
	const retried = await runCli(["digest", "--retry-failed"], env);
	expect(retried.stdout).toContain("digest: 1 failed deliveries of weekly:");
	expect(retried.stdout).toContain(
		"0 planned, 1 sent, 0 skipped (no new papers or not active), 0 failed, 1 waiting to retry",
	);
	expect(retried.code).toBe(75);
	expect(j.sink.to("bob@example.org")).toHaveLength(1);

	j.sink.respond = () => undefined;
	const later = await runCli(["digest", "--now", new Date(Date.now() + hours(1)).toISOString()], env);
	expect(later.stdout).toContain("0 planned, 1 sent");
	expect(later.code).toBe(0);
	expect(j.sink.messages).toHaveLength(2);
}, 60_000);
