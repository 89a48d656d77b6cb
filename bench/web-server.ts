/**
 * The server for `npm run bench:web`, in its own process so that autocannon's CPU is not
 * counted against it: the embedded default (SQLite file, seed papers, .eml mailer) on
 * 127.0.0.1 with the settings it is given. Reports its port and its CPU over IPC.
 */
import { performance } from "node:perf_hooks";
import { parseConfig } from "../src/core/config.ts";
import { seedPapersIfEmpty } from "../src/core/papers/store.ts";
import { createNodeRuntime } from "../src/node/runtime.ts";
import { readSeedPapers } from "../src/node/seed.ts";
import { startServer } from "../src/node/server.ts";

export type WebServerRequest = { type: "env"; env: Record<string, string> } | { type: "cpu" } | { type: "close" };
export type WebServerReply = { type: "ready"; url: string } | { type: "cpu"; ms: number; wallMs: number };

if (!process.send) throw new Error("bench/web-server.ts runs as a child process (fork) of bench/web.ts");

process.on("disconnect", () => process.exit(0));
process.once("message", async (request: WebServerRequest) => {
	if (request.type !== "env") return;
	const runtime = createNodeRuntime(parseConfig(request.env));
	await seedPapersIfEmpty(runtime.deps, readSeedPapers());
	const server = await startServer(runtime, { port: 0, hostname: "127.0.0.1" });
	process.on("message", async (message: WebServerRequest) => {
		if (message.type === "cpu") {
			const u = process.cpuUsage();
			process.send?.({
				type: "cpu",
				ms: (u.user + u.system) / 1000,
				wallMs: performance.now(),
			} satisfies WebServerReply);
		}
		if (message.type === "close") {
			await server.close();
			await runtime.close();
			process.exit(0);
		}
	});
	process.send?.({ type: "ready", url: server.url } satisfies WebServerReply);
});
