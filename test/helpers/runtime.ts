import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../../src/core/config.ts";
import { seedPapersIfEmpty } from "../../src/core/papers/store.ts";
import { createApp } from "../../src/core/web/app.tsx";
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
	/** Load the seed papers (default: yes). */
	seed?: boolean;
	clock?: FakeClock;
	clientIp?: string;
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
	const runtime = createNodeRuntime(config, { clock });
	if (options.seed !== false) await seedPapersIfEmpty(runtime.deps, readSeedPapers());
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
