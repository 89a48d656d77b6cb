import { join } from "node:path";
import { afterEach, beforeAll, expect, it } from "vitest";
import { drainOutbox } from "../../src/core/digest/outbox.ts";
import { runDigest } from "../../src/core/jobs/run-job.ts";
import type { Fetch } from "../../src/core/papers/fetch-source.ts";
import { startScheduler } from "../../src/node/scheduler.ts";
import { FakeClock, hours, minutes } from "../helpers/clock.ts";
import { freePort } from "../helpers/free-port.ts";
import { type HungRelay, startHungRelay } from "../helpers/hung-relay.ts";
import { useJourney } from "../helpers/journey.ts";
import { fixtures, readFixture } from "../helpers/paper-fixtures.ts";
import { addReaders } from "../helpers/readers.ts";
import { recordingLogger, type TestRuntime, testSecret } from "../helpers/runtime.ts";
import { startServerProcess } from "../helpers/server-process.ts";
import { get } from "../helpers/web.ts";

// A relay that accepts connections and never says a word, in front of the real sink.
const j = useJourney();
let relay: HungRelay;
let rt: TestRuntime;

beforeAll(async () => {
	relay = await startHungRelay({ forwardTo: j.sink.port });
	return () => relay.close();
});
afterEach(() => {
	relay.hang = () => true;
});

const readers = (n: number) =>
	Object.fromEntries(Array.from({ length: n }, (_, i) => [`r${i}@example.org`, "language models"]));

async function statusCounts() {
	const rows = await rt.deps.db
		.selectFrom("deliveries")
		.select(["status", (eb) => eb.fn.countAll<number>().as("n")])
		.groupBy("status")
		.execute();
	return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** A runtime behind the relay; papers seeded an hour before the digest runs. */
async function behindRelay(env: Record<string, string>, count: number, log = recordingLogger()) {
	rt = await j.restart(
		{ SMTP_URL: relay.url, INGEST_SOURCES: "none", ...env },
		{ clock: new FakeClock("2026-11-23T07:00:00Z"), log: log.log },
	);
	await addReaders(rt, readers(count));
	rt.clock.advance(hours(1));
	return log;
}

it("one connection that never answers holds only its own delivery; the rest go out meanwhile", async () => {
	relay.hang = (n) => n === 1;
	await behindRelay({ SMTP_POOL_SIZE: "2", SMTP_GREETING_TIMEOUT_SECONDS: "6" }, 60);
	const summary = await runDigest(rt.deps, ["weekly"]);
	expect(summary).toMatchObject({ planned: 60, sent: 59, failed: 0, retrying: 1 });
	const [hung] = await rt.deps.db
		.selectFrom("deliveries")
		.select("last_error")
		.where("status", "=", "pending")
		.execute();
	expect(hung?.last_error).toContain("no greeting within 6 s");
	rt.clock.advance(hours(2));
	expect(await drainOutbox(rt.deps)).toMatchObject({ sent: 1, retrying: 0 });
	expect(new Set(j.sink.messages.map((m) => m.envelopeTo[0])).size).toBe(60);
}, 30_000);

it("pauses sending after consecutive timeouts, says so once and in /healthz, and resumes by itself", async () => {
	const log = await behindRelay(
		{
			SMTP_POOL_SIZE: "3",
			SMTP_GREETING_TIMEOUT_SECONDS: "0.5",
			MAIL_BREAKER_FAILURES: "3",
			MAIL_BREAKER_COOLOFF_SECONDS: "60",
		},
		10,
	);
	const connectionsBefore = relay.connections;
	const summary = await runDigest(rt.deps, ["weekly"]);
	expect(summary).toMatchObject({ planned: 10, sent: 0, failed: 0, retrying: 10 });
	expect(await statusCounts()).toEqual({ pending: 10 });
	// Three timeouts in a row pause it; until the third, each of the three workers may try one more.
	expect(relay.connections - connectionsBefore).toBeGreaterThanOrEqual(3);
	expect(relay.connections - connectionsBefore).toBeLessThanOrEqual(5);
	const tried = relay.connections;
	const paused = log.lines.filter((l) => l.startsWith("error ") && l.includes("unreachable"));
	expect(paused).toHaveLength(1);

	const health = await get(rt, "/healthz");
	expect(health.status).toBe(503);
	const body = (await health.json()) as { ok: boolean; problems: string[] };
	expect(body.ok).toBe(false);
	expect(body.problems.join("\n")).toMatch(
		/^mail: the relay is unreachable .*no greeting within 0\.5 s.*sending paused until/m,
	);

	// While paused, the once-a-minute drain touches neither the relay nor the deliveries.
	rt.clock.advance(minutes(0.5));
	expect(await drainOutbox(rt.deps)).toMatchObject({ sent: 0, failed: 0 });
	expect(relay.connections).toBe(tried);

	// The relay is back; after the cool-off the next drain sends everything.
	relay.hang = () => false;
	rt.clock.advance(minutes(2));
	expect(await drainOutbox(rt.deps)).toMatchObject({ sent: 10, failed: 0, retrying: 0 });
	expect(await statusCounts()).toEqual({ sent: 10 });
	expect((await get(rt, "/healthz")).status).toBe(200);
	expect(log.lines.filter((l) => l.includes("sending resumed"))).toHaveLength(1);
	expect(log.lines.filter((l) => l.startsWith("error ") && l.includes("unreachable"))).toHaveLength(1);
}, 30_000);

it("a digest stuck on the relay does not hold up the ingest job", async () => {
	let fetches = 0;
	const recordedHf: Fetch = async () => {
		fetches++;
		return new Response(readFixture(fixtures.hf0813), { headers: { "content-type": "application/json" } });
	};
	await behindRelay({ SMTP_POOL_SIZE: "1", SMTP_GREETING_TIMEOUT_SECONDS: "4", INGEST_SOURCES: "hf" }, 3);
	// Wednesday: Monday's run was missed, so the scheduler catches it up at start.
	rt.clock.set("2026-11-25T10:00:00Z");
	const scheduler = startScheduler(rt, recordedHf);
	const started = Date.now();
	const connectionsBefore = relay.connections;
	while (relay.connections === connectionsBefore) await new Promise((r) => setTimeout(r, 20));
	// The digest (which ingested first, as it does with stale papers) now waits on the relay.
	const fetchesBefore = fetches;
	rt.clock.advance(minutes(1));
	await scheduler.run("ingest");
	expect(Date.now() - started).toBeLessThan(3_000);
	expect(fetches).toBeGreaterThan(fetchesBefore);
	const ingests = await rt.deps.db
		.selectFrom("job_runs")
		.select("finished_at")
		.where("job", "=", "ingest")
		.where("finished_at", "is not", null)
		.execute();
	expect(ingests).toHaveLength(2);
	expect(j.sink.messages).toHaveLength(0);
	await scheduler.stop();
}, 30_000);

it("SIGTERM stops the server within 10 s while the relay hangs, and leaves the deliveries for later", async () => {
	rt = await j.restart({}, { clock: new FakeClock(new Date()) });
	await addReaders(rt, readers(5));
	const server = startServerProcess({
		PORT: String(await freePort()),
		DATABASE_PATH: join(rt.dir, "paperboy.db"),
		SECRET: testSecret,
		SMTP_URL: relay.url,
		BASE_URL: "https://paperboy.example",
		MAIL_FROM: "paperboy <digest@paperboy.example>",
		INGEST_SOURCES: "none",
		// Every minute, so the catch-up at start has a run to make up for.
		DIGEST_CRON: "* * * * *",
	});
	const { child, exited } = server;
	const connectionsBefore = relay.connections;
	const deadline = Date.now() + 20_000;
	while (relay.connections === connectionsBefore && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
	expect(relay.connections).toBeGreaterThan(connectionsBefore);
	const signalled = Date.now();
	child.kill("SIGTERM");
	expect(await exited).toBe(0);
	expect(Date.now() - signalled).toBeLessThan(10_000);
	expect(server.log()).toContain("dropping its connections");
	// Our own stop is not the relay's fault.
	expect(server.log()).not.toContain("the mail relay is unreachable");
	expect(await statusCounts()).toEqual({ pending: 5 });
}, 40_000);
