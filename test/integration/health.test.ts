import { expect, it } from "vitest";
import type { Health } from "../../src/core/health.ts";
import { useJourney } from "../helpers/journey.ts";
import { get } from "../helpers/web.ts";

const j = useJourney();

const health = async () => {
	const res = await get(j.rt, "/healthz");
	return { status: res.status, body: (await res.json()) as Health };
};

it("answers 200 when the database takes a write, the disk has room and mail is going out", async () => {
	const { status, body } = await health();
	expect(status).toBe(200);
	expect(body.ok).toBe(true);
	expect(body.checks.database).toBe("ok");
	expect(body.checks.disk.status).toBe("ok");
	expect(body.checks.disk.freeMb).toBeGreaterThan(0);
	expect(body.checks.mail.status).toBe("sending");
});

it("answers 503 with the reason when the database cannot take a write", async () => {
	// What a read-only disk does to SQLite: reads work, writes fail.
	j.rt.sqlite.pragma("query_only = ON");
	const { status, body } = await health();
	expect(status).toBe(503);
	expect(body.ok).toBe(false);
	expect(body.problems).toEqual([expect.stringMatching(/^database: cannot write \(.*readonly/i)]);
	j.rt.sqlite.pragma("query_only = OFF");
	expect((await health()).status).toBe(200);
});

it("answers 503 when the data folder has less room than HEALTH_MIN_FREE_DISK_MB", async () => {
	await j.restart({ HEALTH_MIN_FREE_DISK_MB: "10000000" });
	const { status, body } = await health();
	expect(status).toBe(503);
	expect(body.checks.disk.status).toBe("low");
	expect(body.problems).toEqual([
		expect.stringMatching(/^disk: \d+ MB free in the data folder, below 10000000 MB \(HEALTH_MIN_FREE_DISK_MB\)$/),
	]);
});
