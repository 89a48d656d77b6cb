import { execFileSync } from "node:child_process";
import { binPath } from "./cli.ts";

/**
 * Vitest global setup: the CLI and server the tests start run the built dist/node, which
 * bin/paperboy.js builds when stale. Build it once here, before test files run in parallel.
 */
export default function setup(): void {
	execFileSync(process.execPath, [binPath, "--version"], { stdio: ["ignore", "ignore", "inherit"] });
}
