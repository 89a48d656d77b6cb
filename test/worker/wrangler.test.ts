import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import { buildWorker, offlineWranglerEnv } from "../../scripts/build-worker.ts";
import { parseConfig } from "../../src/core/config.ts";
import { scheduledJobs } from "../../src/core/jobs/schedule.ts";
import { jobForCron } from "../../src/worker/cron.ts";

const wrangler = unstable_readConfig({ config: "wrangler.toml" }, { hideWarnings: true });
const settings = parseConfig({
	...Object.fromEntries(Object.entries(wrangler.vars).filter((e): e is [string, string] => typeof e[1] === "string")),
	SECRET: "wrangler-check-secret-0123456789abcdef",
});

describe("wrangler.toml", () => {
	it("has one Cron Trigger for each job the Node scheduler runs, and no other", () => {
		// src/node/scheduler.ts schedules exactly scheduledJobs(config) on node-cron.
		const nodeJobs = scheduledJobs(settings).map((job) => job.name);
		const triggered = (wrangler.triggers.crons ?? []).map((cron: string) => jobForCron(settings, cron)?.name);
		expect(triggered.toSorted()).toEqual(nodeJobs.toSorted());
	});

	it("runs the schedule in UTC, the only time zone Cron Triggers know", () => {
		expect(settings.timeZone).toBe("UTC");
	});

	it("migrates D1 from the same migrations/ the Node migrator applies", () => {
		expect(wrangler.d1_databases).toEqual([expect.objectContaining({ binding: "DB", migrations_dir: "migrations" })]);
	});

	it("produces to and consumes from the same send queue", () => {
		const [producer] = wrangler.queues.producers ?? [];
		const [consumer] = wrangler.queues.consumers ?? [];
		expect(producer).toMatchObject({ binding: "SEND_QUEUE", queue: "paperboy-send" });
		expect(consumer?.queue).toBe(producer?.queue);
		// A claim binds the batch's ids as one JSON value, so a batch may be as large as Queues allow.
		expect(consumer?.max_batch_size ?? 10).toBeLessThanOrEqual(100);
		// SMTP_RATE_PER_SECOND is shared out among SEND_CONSUMERS consumers: as many as may run.
		expect(consumer?.max_concurrency).toBe(settings.queue.consumers);
	});

	it("keeps secrets out of [vars]", () => {
		for (const name of ["SECRET", "SMTP_URL", "MAIL_API_TOKEN", "ADMIN_TOKEN", "DKIM_PRIVATE_KEY"]) {
			expect(wrangler.vars).not.toHaveProperty(name);
		}
	});
});

describe("worker-configuration.d.ts", () => {
	// A local .dev.vars adds its secrets to the generated Env, so the check would differ there.
	it.skipIf(existsSync(".dev.vars"))(
		"is what `npm run types:worker` generates from wrangler.toml now",
		{ timeout: 60_000 },
		() => {
			// Exits non-zero (and execFileSync throws) when the committed types are stale.
			execFileSync(
				"npx",
				["wrangler", "types", "--strict-vars=false", "src/worker/worker-configuration.d.ts", "--check"],
				{
					env: { ...process.env, ...offlineWranglerEnv },
					stdio: "pipe",
				},
			);
		},
	);
});

describe("the worker bundle", () => {
	it("builds with wrangler offline, small and without MJML or Node built-ins", { timeout: 60_000 }, () => {
		const size = buildWorker("dist/worker-test");
		console.log(`worker bundle: ${(size.bytes / 1024).toFixed(1)} KiB, gzip ${(size.gzipBytes / 1024).toFixed(1)} KiB`);
		// About 628 KiB and 177 KiB gzip after the admin pages, webhooks and the feed (488 and 135
		// before them); Workers allow 3 MB compressed on Free. The budget leaves a quarter for growth.
		expect(size.bytes).toBeLessThan(800 * 1024);
		expect(size.gzipBytes).toBeLessThan(225 * 1024);
		const code = readFileSync(size.file, "utf8");
		expect(code).not.toMatch(/mjml-core|<mj-/);
		expect(code).not.toMatch(/from\s*"node:/);
		// `import * as z from "zod"` leaves zod's other locales out (`import { z }` keeps all 40-odd).
		expect(code).not.toContain("Eingabe: erwartet");
		// Nor is package.json in it (src/core/version.ts has the version).
		expect(code).not.toContain("devDependencies");
	});
});
