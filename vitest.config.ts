import { defineConfig } from "vitest/config";

export default defineConfig({
	test: {
		include: ["test/unit/**/*.test.{ts,tsx}", "test/integration/**/*.test.{ts,tsx}", "test/e2e/**/*.test.ts"],
		// Generous: a test that spawns the CLI or a browser must not fail because the machine is busy.
		testTimeout: 120_000,
		hookTimeout: 120_000,
		// Each file gets its own SQLite file and SMTP sink, so files can run in parallel.
		pool: "forks",
		// The CLI and server in child processes run dist/node: built once, before any file.
		globalSetup: ["test/helpers/build-once.ts"],
	},
});
