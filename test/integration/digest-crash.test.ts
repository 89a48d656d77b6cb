import { join } from "node:path";
import { beforeEach, expect, it } from "vitest";
import { runCli, startCli } from "../helpers/cli.ts";
import { FakeClock } from "../helpers/clock.ts";
import { useJourney } from "../helpers/journey.ts";
import { addReaders } from "../helpers/readers.ts";
import { type TestRuntime, testSecret } from "../helpers/runtime.ts";
import type { SmtpSink } from "../helpers/smtp-sink.ts";

// The harness's runtime seeds the database file and adds the readers; the CLI runs on the
// same file, on the real clock, so the papers are seeded as first seen now.
const j = useJourney();
let sink: SmtpSink;
let rt: TestRuntime;
const readers = 40;
const poolSize = 2;

beforeEach(async () => {
	sink = j.sink;
	rt = await j.restart({}, { clock: new FakeClock(new Date()) });
});

it("loses no reader and sends no second digest when the sender is killed -9 mid-run", async () => {
	const env = {
		DATABASE_PATH: join(rt.dir, "paperboy.db"),
		SECRET: testSecret,
		SMTP_URL: sink.url,
		SMTP_POOL_SIZE: String(poolSize),
		SEND_LEASE_SECONDS: "2",
		BASE_URL: "https://paperboy.example",
		MAIL_FROM: "paperboy <digest@paperboy.example>",
	};
	await addReaders(
		rt,
		Object.fromEntries(
			Array.from({ length: readers }, (_, i) => [
				`reader${i}@example.org`,
				i % 2 ? "state space models" : "mixture of experts",
			]),
		),
	);

	// A slow server keeps messages in flight long enough to kill the sender among them.
	sink.delayMs = 60;
	const first = startCli(["digest"], env);
	await sink.waitFor(12, 30_000);
	first.child.kill("SIGKILL");
	expect((await first.done).signal).toBe("SIGKILL");
	const beforeRerun = sink.messages.length;
	expect(beforeRerun).toBeLessThan(readers);

	sink.delayMs = 0;
	const rerun = await runCli(["digest"], env);
	expect(rerun.stderr).toBe("");
	expect(rerun.code).toBe(0);
	expect(rerun.stdout).toMatch(/0 planned, \d+ sent, 0 skipped .* 0 failed, 0 waiting to retry/);

	const copies = new Map<string, string[]>();
	for (const m of sink.messages) {
		const to = m.envelopeTo[0] ?? "";
		copies.set(to, [...(copies.get(to) ?? []), m.parsed.messageId ?? ""]);
	}
	// Every reader got their digest…
	expect(copies.size).toBe(readers);
	// …and only messages in flight at the kill (at most one per pooled connection) went twice,
	// with the same Message-ID, so mail systems can drop the copy.
	const twice = [...copies.values()].filter((ids) => ids.length > 1);
	expect(twice.length).toBeLessThanOrEqual(poolSize);
	for (const ids of twice) expect(new Set(ids).size).toBe(1);

	// A third run finds nothing to do.
	const again = await runCli(["digest"], env);
	expect(again.stdout).toMatch(/0 planned, 0 sent/);
	expect(sink.messages.length).toBe(readers + twice.length);
}, 90_000);
