import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parseConfig } from "../../src/core/config.ts";
import { seedPapersIfEmpty } from "../../src/core/papers/store.ts";
import { importReaders } from "../../src/core/subscriptions/import.ts";
import { createNodeRuntime } from "../../src/node/runtime.ts";
import { readSeedPapers } from "../../src/node/seed.ts";
import { runCli, startCli } from "../helpers/cli.ts";
import { testSecret } from "../helpers/runtime.ts";
import { type SmtpSink, startSmtpSink } from "../helpers/smtp-sink.ts";

let sink: SmtpSink;
let dir: string;
const readers = 40;
const poolSize = 2;

beforeAll(async () => {
	sink = await startSmtpSink();
	dir = mkdtempSync(join(tmpdir(), "paperboy-crash-"));
});
afterAll(async () => {
	await sink.close();
	rmSync(dir, { recursive: true, force: true });
});

it("loses no reader and sends no second digest when the sender is killed -9 mid-run", async () => {
	const env = {
		DATABASE_PATH: join(dir, "paperboy.db"),
		SECRET: testSecret,
		SMTP_URL: sink.url,
		SMTP_POOL_SIZE: String(poolSize),
		SEND_LEASE_SECONDS: "2",
		BASE_URL: "https://paperboy.example",
	};
	const setup = createNodeRuntime(parseConfig({ ...env, LOG_LEVEL: "silent" }));
	await seedPapersIfEmpty(setup.deps, readSeedPapers());
	await importReaders(
		setup.deps,
		Array.from({ length: readers }, (_, i) => ({
			line: i + 2,
			email: `reader${i}@example.org`,
			keywords: i % 2 ? "state space models" : "mixture of experts",
		})),
	);
	await setup.close();

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
