/**
 * Sources that go stale are caught: the same batch as the day before, or no good ingest for
 * STALE_AFTER_HOURS, raise an alarm that the log says at error level, /healthz and
 * `paperboy sources` show, and ADMIN_EMAIL gets once per incident (a real SMTP sink); a digest
 * run whose every source is in alarm records why its readers got nothing.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runDigest, runJob } from "../../src/core/jobs/run-job.ts";
import type { Fetch } from "../../src/core/papers/fetch-source.ts";
import { runCli } from "../helpers/cli.ts";
import { days, hours } from "../helpers/clock.ts";
import { useJourney } from "../helpers/journey.ts";
import { fixtures, readFixture } from "../helpers/paper-fixtures.ts";
import { addReaders } from "../helpers/readers.ts";
import { recordingLogger, testSecret } from "../helpers/runtime.ts";
import { get } from "../helpers/web.ts";

const j = useJourney();
const admin = "ops@paperboy.test";
const ingestJob = { name: "ingest", kind: "ingest", cron: "0 7 * * *" } as const;

/** Hugging Face answered by a recorded payload, or down. */
let answer: () => Response;
const hf: Fetch = async () => answer();
const recorded = (name: string) => () =>
	new Response(readFixture(name), { headers: { "content-type": "application/json" } });

describe("stale paper sources", () => {
	it("raise one alarm per incident: logged at error, shown by /healthz and the CLI, mailed once, named by the digest", async () => {
		const { log, lines } = recordingLogger();
		const rt = await j.restart(
			{ INGEST_SOURCES: "hf", ADMIN_EMAIL: admin, STALE_AFTER_HOURS: "48", LOG_LEVEL: "debug" },
			{ log },
		);
		const health = async () => (await (await get(rt, "/healthz")).json()).sources;
		const daily = async (after = days(1)) => {
			rt.clock.advance(after);
			await runJob(rt.deps, ingestJob, { fetch: hf, deliver: async () => ({}) });
		};
		const alarmLines = () => lines.filter((l) => l.startsWith("error paper source hf"));

		// Day 1 brings a batch; day 2 the very same one: an alarm, mailed once.
		answer = recorded(fixtures.hf0813);
		await daily();
		expect(await health()).toEqual([]);
		await daily();
		expect(await health()).toEqual([{ source: "hf", alarm: "same_batch", since: rt.clock.now().toISOString() }]);
		expect(alarmLines()).toHaveLength(1);
		const [mail] = await j.sink.waitFor(1);
		expect(mail?.envelopeTo).toEqual([admin]);
		expect(mail?.parsed.subject).toBe("paperboy: paper source hf returned the very same batch as its run before");
		await daily();
		expect(alarmLines()).toHaveLength(2);
		expect(j.sink.to(admin)).toHaveLength(1);

		// The weekly digest while every source is in alarm: readers with nothing new are told why.
		await addReaders(rt, { "quiet.reader@example.org": "quantum gravity" });
		await runDigest(rt.deps, ["weekly"]);
		const delivery = await rt.deps.db
			.selectFrom("deliveries")
			.select(["status", "last_error"])
			.executeTakeFirstOrThrow();
		expect(delivery).toEqual({ status: "skipped", last_error: "sources were stale: hf" });
		const run = await rt.deps.db
			.selectFrom("job_runs")
			.select("summary")
			.where("job", "=", "digest:weekly")
			.executeTakeFirstOrThrow();
		expect(JSON.parse(run.summary ?? "{}")).toMatchObject({ staleSources: "sources were stale: hf" });

		// A new batch ends the incident.
		answer = recorded(fixtures.hfDate0612);
		await daily();
		expect(await health()).toEqual([]);

		// Then the source goes down: after 48 hours without a good ingest, a new incident, a new mail.
		answer = () => new Response("down", { status: 503 });
		await daily();
		expect(await health()).toEqual([]);
		await daily(hours(25));
		expect(await health()).toEqual([{ source: "hf", alarm: "stale", since: rt.clock.now().toISOString() }]);
		await j.sink.waitFor(2);
		expect(j.sink.to(admin)[1]?.parsed.subject).toBe(
			"paperboy: paper source hf has brought no new papers for 49 hours",
		);

		const cli = await runCli(["sources", "--now", rt.clock.now().toISOString()], {
			DATABASE_PATH: join(rt.dir, "paperboy.db"),
			SECRET: testSecret,
			INGEST_SOURCES: "hf",
		});
		expect(cli.code).toBe(0);
		expect(cli.stdout).toMatch(/^hf {2}last good ingest \S+ \(49 h ago\) {2}ALARM stale since /m);
		expect(j.sink.to(admin)).toHaveLength(2);
	});
});
