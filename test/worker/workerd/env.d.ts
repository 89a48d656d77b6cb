import type { D1Migration } from "cloudflare:test";

// Bindings that only vitest.worker.config.ts adds, next to those wrangler.toml declares.
declare global {
	namespace Cloudflare {
		interface Env {
			TEST_MIGRATIONS: D1Migration[];
			SMTP_URL: string;
			SECRET: string;
		}
	}
}
