import { expect, it, vi } from "vitest";
import { drainOutbox, planDigests } from "../../src/core/digest/outbox.ts";
import { hours } from "../helpers/clock.ts";
import { useJourney } from "../helpers/journey.ts";
import { addReaders } from "../helpers/readers.ts";
import { recordingLogger } from "../helpers/runtime.ts";
import { signup } from "../helpers/web.ts";

const j = useJourney();

it("a message sent while the database refuses writes is recorded once it takes them, not sent twice", async () => {
	const { log, lines } = recordingLogger();
	const rt = await j.restart({}, { log });
	await addReaders(rt, { "ann@example.org": "state space models", "bob@example.org": "state space models" });
	rt.clock.advance(hours(1));
	await planDigests(rt.deps, ["weekly"]);
	// The sink holds each message a moment; while it holds the first, the database turns
	// read-only (as a full disk does to SQLite), and back a second and a half later.
	j.sink.delayMs = 300;
	const drained = drainOutbox(rt.deps, { concurrency: 1 });
	await j.sink.waitFor(1);
	rt.sqlite.pragma("query_only = ON");
	await new Promise((resolve) => setTimeout(resolve, 1_500));
	rt.sqlite.pragma("query_only = OFF");
	expect(await drained).toMatchObject({ sent: 2, failed: 0, retrying: 0 });
	expect(lines.filter((l) => l.startsWith("error recording a delivery outcome failed"))).toHaveLength(1);

	j.sink.delayMs = 0;
	expect(await drainOutbox(rt.deps)).toMatchObject({ sent: 0 });
	expect(j.sink.messages.map((m) => m.envelopeTo[0]).sort()).toEqual(["ann@example.org", "bob@example.org"]);
});

it("a burst of failing requests logs two error lines, not one per request", async () => {
	const { log, lines } = recordingLogger({ collapseRepeats: true });
	await j.restart({}, { log });
	vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
	try {
		// A read-only database: the page renders, every signup fails.
		j.rt.sqlite.pragma("query_only = ON");
		for (let i = 0; i < 40; i++) expect((await signup(j.rt, `r${i}@example.org`, "diffusion")).status).toBe(500);
		const errors = () => lines.filter((l) => l.startsWith("error "));
		expect(errors()).toHaveLength(1);
		vi.advanceTimersByTime(10_000);
		expect(errors()).toHaveLength(2);
		expect(errors()[1]).toContain("(repeated 39 more times in 10 s;");
	} finally {
		vi.useRealTimers();
		j.rt.sqlite.pragma("query_only = OFF");
	}
});
