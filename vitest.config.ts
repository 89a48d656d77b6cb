import { defineConfig } from "vitest/config";

export default defineConfig({
	test: {
		include: ["test/unit/**/*.test.{ts,tsx}", "test/integration/**/*.test.{ts,tsx}", "test/e2e/**/*.test.ts"],
		testTimeout: 30_000,
		hookTimeout: 60_000,
		// Each file gets its own SQLite file and SMTP sink, so files can run in parallel.
		pool: "forks",
	},
});
