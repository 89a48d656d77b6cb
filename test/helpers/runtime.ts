import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../../src/core/config.ts";
import type { Logger } from "../../src/core/deps.ts";
import { errorReplacer, levelledLogger } from "../../src/core/logging.ts";
import { seedPapersIfEmpty, storePapers } from "../../src/core/papers/store.ts";
import { createApp } from "../../src/core/web/app.tsx";
import { createNodeMetrics } from "../../src/node/metrics.ts";
import { createNodeRuntime, type NodeRuntime } from "../../src/node/runtime.ts";
import { readSeedPapers } from "../../src/node/seed.ts";
import { FakeClock } from "./clock.ts";

export const testSecret = "test-secret-0123456789abcdef0123456789abcdef";

export interface TestRuntime extends NodeRuntime {
	dir: string;
	clock: FakeClock;
	app: ReturnType<typeof createApp>;
	/** Remove the temporary folder after closing. */
	dispose(): Promise<void>;
}

/**
 * A real runtime on a fresh SQLite file in a temp folder: real migrations, the real
 * mailer for the settings given (SMTP to a sink when SMTP_URL is set), a fake clock.
 */
export interface TestRuntimeOptions {
	/**
	 * The papers the database starts with, first seen at the clock's time: the 110 papers
	 * of seeds/papers.json as if a source had ingested them ("corpus", the default: what
	 * digests in tests match), the same papers as the demo seed a fresh install loads
	 * ("demo": shown on the signup page and in the preview, never in a digest), or none.
	 */
	papers?: "corpus" | "demo" | "none";
	clock?: FakeClock;
	clientIp?: string;
	/** Where the runtime logs (default: nowhere, LOG_LEVEL=silent). */
	log?: Logger;
}

export async function createTestRuntime(
	env: Record<string, string> = {},
	options: TestRuntimeOptions = {},
): Promise<TestRuntime> {
	const dir = mkdtempSync(join(tmpdir(), "paperboy-test-"));
	const config = parseConfig({
		DATABASE_PATH: join(dir, "paperboy.db"),
		SECRET: testSecret,
		BASE_URL: "http://paperboy.test",
		MAIL_FROM: "paperboy <digest@paperboy.test>",
		LOG_LEVEL: "silent",
		...env,
	});
	const clock = options.clock ?? new FakeClock();
	// Metrics as `paperboy serve` has them: with METRICS_TOKEN.
	const metrics = config.metricsToken ? createNodeMetrics() : undefined;
	const runtime = createNodeRuntime(config, { clock, ...(options.log ? { log: options.log } : {}) }, { metrics });
	const papers = options.papers ?? "corpus";
	if (papers === "corpus") await storePapers(runtime.deps, readSeedPapers(), "corpus");
	if (papers === "demo") await seedPapersIfEmpty(runtime.deps, readSeedPapers());
	const app = createApp(config, { deps: () => runtime.deps, clientIp: () => options.clientIp ?? "203.0.113.7" });
	return {
		...runtime,
		dir,
		clock,
		app,
		async dispose() {
			await runtime.close();
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

/**
 * A logger that keeps every line (level, message, fields as JSON) for a test to read.
 * Repeats are kept as they come (a test's fake days pass in milliseconds), unless
 * `collapseRepeats` asks for what the runtimes' loggers do.
 */
export function recordingLogger(options: { collapseRepeats?: boolean } = {}): { log: Logger; lines: string[] } {
	const lines: string[] = [];
	const log = levelledLogger(
		"debug",
		(event, message, fields) => {
			lines.push(`${event} ${message}${fields ? ` ${JSON.stringify(fields, errorReplacer)}` : ""}`);
		},
		{ collapseRepeats: options.collapseRepeats ?? false },
	);
	return { log, lines };
}
