import { beforeEach, describe, expect, it } from "vitest";
import { countPapers } from "../../src/core/db/papers.ts";
import type { Fetch } from "../../src/core/papers/fetch-source.ts";
import { startScheduler } from "../../src/node/scheduler.ts";
import { days, FakeClock, hours } from "../helpers/clock.ts";
import { useJourney } from "../helpers/journey.ts";
import { fixtures, readFixture } from "../helpers/paper-fixtures.ts";
import { addPapers, addReaders, paper } from "../helpers/readers.ts";
import type { TestRuntime } from "../helpers/runtime.ts";
import type { SmtpSink } from "../helpers/smtp-sink.ts";

const j = useJourney();
let sink: SmtpSink;
let rt: TestRuntime;
let fetched: string[];

/** Answers the Hugging Face API with a recorded payload; no network in tests. */
const recordedHf: Fetch = async (url) => {
	fetched.push(url);
	return new Response(readFixture(fixtures.hf0813), { headers: { "content-type": "application/json" } });
};

beforeEach(() => {
	sink = j.sink;
	fetched = [];
});

async function bootAt(at: string) {
	rt.clock.set(at);
	const scheduler = startScheduler(rt, recordedHf);
	await scheduler.ready;
	await scheduler.stop();
}

async function freshRuntime(start: string, env: Record<string, string> = {}) {
	rt = await j.restart({ INGEST_SOURCES: "none", ...env }, { clock: new FakeClock(start) });
}

const weeklyRuns = () =>
	rt.deps.db.selectFrom("job_runs").select("period").where("job", "=", "digest:weekly").orderBy("period").execute();

describe("the Node scheduler", () => {
	it("catches up a missed weekly run at start, once", async () => {
		await freshRuntime("2026-11-23T07:00:00Z");
		await addReaders(rt, { "ann@example.org": "state space models" });
		// Wednesday: Monday 08:00's run was missed.
		await bootAt("2026-11-25T10:00:00Z");
		expect(await weeklyRuns()).toEqual([{ period: "weekly:2026-W48" }]);
		expect((await sink.waitFor(1))[0]?.parsed.subject).toBe("5 new papers on state space models");
		await bootAt("2026-11-26T10:00:00Z");
		expect(await weeklyRuns()).toHaveLength(1);
		expect(sink.messages).toHaveLength(1);
	});

	it("does not run before this week's scheduled time", async () => {
		await freshRuntime("2026-11-23T06:00:00Z");
		await addReaders(rt, { "ann@example.org": "state space models" });
		await bootAt("2026-11-23T07:59:00Z");
		expect(await weeklyRuns()).toEqual([]);
		await bootAt("2026-11-23T08:01:00Z");
		expect(await weeklyRuns()).toEqual([{ period: "weekly:2026-W48" }]);
	});

	it("after three weeks of downtime sends one digest with everything new, not three", async () => {
		await freshRuntime("2026-11-23T07:00:00Z");
		await addReaders(rt, { "ann@example.org": "state space models" });
		await bootAt("2026-11-23T09:00:00Z");
		for (let week = 1; week <= 3; week++) {
			rt.clock.advance(days(7));
			await addPapers(rt, [paper(`2612.0000${week}`, `State space models, week ${week}`, "State space models.")]);
		}
		await bootAt("2026-12-16T12:00:00Z");
		expect(await weeklyRuns()).toEqual([{ period: "weekly:2026-W48" }, { period: "weekly:2026-W51" }]);
		const [, catchUp] = await sink.waitFor(2);
		expect(sink.messages).toHaveLength(2);
		expect(catchUp?.parsed.subject).toBe("3 new papers on state space models");
	});

	it("runs once a week across a daylight-saving change in the schedule's time zone", async () => {
		// Berlin springs forward on Sunday 2026-03-29.
		await freshRuntime("2026-03-16T00:00:00Z", { TZ_DEFAULT: "Europe/Berlin" });
		await addReaders(rt, { "ann@example.org": "state space models" });
		for (let t = Date.parse("2026-03-16T00:00:00Z"); t < Date.parse("2026-04-06T00:00:00Z"); t += hours(6)) {
			await addPapers(rt, [paper(`2603.${t}`, `State space models at ${t}`, "State space models.")]);
			await bootAt(new Date(t).toISOString());
		}
		expect(await weeklyRuns()).toEqual([
			{ period: "weekly:2026-W12" },
			{ period: "weekly:2026-W13" },
			{ period: "weekly:2026-W14" },
		]);
		await sink.waitFor(3);
		expect(sink.messages).toHaveLength(3);
		// Each run happened after Monday 08:00 Berlin time (07:00 UTC in winter, 06:00 in summer).
		expect(sink.messages.map((m) => m.parsed.date?.toISOString())).toEqual([
			"2026-03-16T12:00:00.000Z",
			"2026-03-23T12:00:00.000Z",
			"2026-03-30T06:00:00.000Z",
		]);
	}, 60_000);

	it("ingests before the digest when the last ingest is more than a day old", async () => {
		await freshRuntime("2026-11-23T07:00:00Z", { INGEST_SOURCES: "hf" });
		await addReaders(rt, { "ann@example.org": "state space models" });
		const before = await countPapers(rt.deps.db);
		await bootAt("2026-11-23T09:00:00Z");
		const firstRun = fetched.length;
		expect(firstRun).toBeGreaterThan(0);
		expect(fetched.every((url) => url.startsWith("https://huggingface.co/api/daily_papers?"))).toBe(true);
		expect(await countPapers(rt.deps.db)).toBe(before + 20);
		await bootAt("2026-11-30T09:00:00Z");
		expect(fetched.length).toBeGreaterThan(firstRun);
	});
});
