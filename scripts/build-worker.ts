/**
 * `npm run build:worker`: bundles the worker exactly as `wrangler deploy` would, without
 * deploying (--dry-run, offline), and prints the size Cloudflare counts against its
 * limits (3 MiB gzip on the free plan, 10 MiB on paid).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

export interface BundleSize {
	file: string;
	bytes: number;
	gzipBytes: number;
}

/** Keep wrangler off the network: no metrics, no error reports, no banner, no cf fetch. */
export const offlineWranglerEnv = {
	WRANGLER_SEND_METRICS: "false",
	WRANGLER_SEND_ERROR_REPORTS: "false",
	WRANGLER_HIDE_BANNER: "true",
	CLOUDFLARE_CF_FETCH_ENABLED: "false",
};

export function buildWorker(outdir = "dist/worker"): BundleSize {
	execFileSync("npx", ["wrangler", "deploy", "--dry-run", "--outdir", outdir], {
		env: { ...process.env, ...offlineWranglerEnv },
		stdio: ["ignore", "pipe", "inherit"],
	});
	const file = join(outdir, "index.js");
	const code = readFileSync(file);
	return { file, bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length };
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const size = buildWorker(process.argv[2]);
	const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
	console.log(`${size.file}: ${kib(size.bytes)} (gzip ${kib(size.gzipBytes)})`);
}
