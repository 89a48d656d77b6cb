/**
 * /healthz and `paperboy doctor` judge free disk by one rule and one setting
 * (HEALTH_MIN_FREE_DISK_MB, or twice the database): on the real data folder, a threshold
 * a little under its free space passes both, a little over fails both.
 */
import { statfsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";
import { createTestRuntime, type TestRuntime, testSecret } from "../helpers/runtime.ts";
import { get } from "../helpers/web.ts";

let rt: TestRuntime | undefined;
afterEach(async () => {
	await rt?.dispose();
});

/** Other work on the machine writes and deletes files meanwhile: stay this far from the edge. */
const marginMb = 2048;

async function bothSay(minFreeMb: number) {
	const env = { HEALTH_MIN_FREE_DISK_MB: String(minFreeMb) };
	await rt?.dispose();
	rt = await createTestRuntime(env, { papers: "none" });
	const health = await get(rt, "/healthz");
	const body = (await health.json()) as { checks: { disk: { status: string } }; problems: string[] };
	const doctor = await runCli(["doctor"], { ...env, DATABASE_PATH: join(rt.dir, "paperboy.db"), SECRET: testSecret });
	return {
		healthz: `${health.status} ${body.checks.disk.status}`,
		problem: body.problems.find((p) => p.startsWith("disk:")),
		doctor: doctor.stdout.split("\n").find((line) => / disk: /.test(line)),
	};
}

it("a threshold under the free space passes /healthz and doctor; over it, both fail and name the setting", async () => {
	const probe = await createTestRuntime({}, { papers: "none" });
	const { bavail, bsize } = statfsSync(probe.dir);
	await probe.dispose();
	const freeMb = Math.floor((bavail * bsize) / 1_048_576);
	expect(freeMb).toBeGreaterThan(marginMb);

	const under = await bothSay(freeMb - marginMb);
	expect(under).toMatchObject({ healthz: "200 ok", problem: undefined });
	expect(under.doctor).toMatch(/^✓ disk: [\d.]+ MB free in .+ \(database [\d.]+ MB\)$/);

	const over = freeMb + marginMb;
	const failed = await bothSay(over);
	expect(failed.healthz).toBe("503 low");
	expect(failed.problem).toMatch(
		new RegExp(`^disk: \\d+ MB free in the data folder, below ${over} MB \\(HEALTH_MIN_FREE_DISK_MB\\)$`),
	);
	expect(failed.doctor).toMatch(
		new RegExp(
			`^✗ disk: [\\d.]+ MB free in .+ \\(database [\\d.]+ MB\\), below ${over} MB \\(HEALTH_MIN_FREE_DISK_MB\\)$`,
		),
	);
}, 60_000);
