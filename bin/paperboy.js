#!/usr/bin/env -S node --max-semi-space-size=16
// The `paperboy` command: plain node on the compiled JavaScript in dist/. In a checkout
// (src/ next to it) dist/ is compiled first when missing or older than the sources, so
// `npm install && npm start` works on a fresh clone; an installed package ships dist/.
// The flag on the first line keeps V8's young generation at Node 20's size: Node 24 grows
// it to 128 MB, which a digest run fills and never returns (decision 021). `npm start`
// passes the same flag; the benchmark reads it from here.
import { existsSync } from "node:fs";

if (existsSync(new URL("../src/node/cli.ts", import.meta.url))) {
	const { ensureBuilt } = await import("../scripts/build-node.js");
	try {
		await ensureBuilt();
	} catch (error) {
		process.stderr.write(`paperboy: ${error.message}\n`);
		process.exit(1);
	}
}
await import("../dist/node/cli.js");
