import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

/**
 * `npm run test:worker`: the worker under workerd (Miniflare through vitest-pool-workers)
 * with D1 migrated from migrations/, a real SMTP sink and a mail API stand-in started in
 * Node by global-setup.ts; plus Node-side checks of wrangler.toml.
 */
export default defineConfig(async () => {
	const migrations = await readD1Migrations("migrations");
	return {
		test: {
			projects: [
				{
					plugins: [
						cloudflareTest(({ inject }) => ({
							main: "./src/worker/index.ts",
							wrangler: { configPath: "./wrangler.toml" },
							miniflare: {
								// As in wrangler.toml, but a batch leaves after 1 s instead of 5.
								queueConsumers: {
									"paperboy-send": { maxBatchSize: 10, maxBatchTimeout: 1, maxRetries: 10 },
								},
								bindings: {
									TEST_MIGRATIONS: migrations,
									BASE_URL: "http://paperboy.test",
									MAIL_FROM: "paperboy <digest@paperboy.test>",
									// Digests go out with a VERP return path (webhooks.test.ts reads its token).
									BOUNCE_ADDRESS: "bounces@paperboy.test",
									SECRET: "worker-test-secret-0123456789abcdef0123456789",
									MAIL_TRANSPORT: "smtp",
									SMTP_URL: `smtp://127.0.0.1:${inject("smtpPort")}?tls=off`,
									// The tests submit forms at machine speed.
									MIN_FILL_SECONDS: "0",
									INGEST_SOURCES: "none",
									LOG_LEVEL: "warn",
								},
							},
						})),
					],
					test: {
						name: "workerd",
						include: ["test/worker/workerd/**/*.test.ts"],
						globalSetup: ["test/worker/global-setup.ts"],
						testTimeout: 30_000,
						hookTimeout: 30_000,
					},
				},
				{
					test: { name: "worker-config", include: ["test/worker/*.test.ts"], environment: "node" },
				},
			],
		},
	};
});
