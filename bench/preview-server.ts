/**
 * The server for `npm run bench:preview`, started from any checkout of paperboy (`app`,
 * e.g. one before issue 11's preview work) so one run can compare two versions: it
 * imports that checkout's runtime, server and digest composer, serves its web app on
 * 127.0.0.1, and answers over IPC with its CPU time or a timed matching pass (what the
 * digest job does per reader) for the keywords it is sent.
 */
import { performance } from "node:perf_hooks";

export type PreviewServerRequest =
	| { type: "start"; app: string; env: Record<string, string> }
	| { type: "cpu" }
	| { type: "match"; keywords: string[][]; window: { from: string; to: string } }
	| { type: "close" };
export type PreviewServerReply =
	| { type: "ready"; url: string }
	| { type: "cpu"; ms: number }
	| { type: "matched"; seconds: number; cpuMs: number; papers: number };

if (!process.send) throw new Error("bench/preview-server.ts runs as a child process (fork) of bench/preview.ts");
const send = (reply: PreviewServerReply) => process.send?.(reply);
const cpuMs = () => {
	const u = process.cpuUsage();
	return (u.user + u.system) / 1000;
};

process.on("disconnect", () => process.exit(0));
process.once("message", async (request: PreviewServerRequest) => {
	if (request.type !== "start") return;
	const from = (path: string) => import(`${request.app}/${path}`);
	const { parseConfig } = await from("src/core/config.ts");
	const { createNodeRuntime } = await from("src/node/runtime.ts");
	const { startServer } = await from("src/node/server.ts");
	const { DigestComposer } = await from("src/core/digest/digest-composer.ts");
	const runtime = createNodeRuntime(parseConfig(request.env));
	const server = await startServer(runtime, { port: 0, hostname: "127.0.0.1" });
	process.on("message", async (message: PreviewServerRequest) => {
		if (message.type === "cpu") send({ type: "cpu", ms: cpuMs() });
		if (message.type === "match") {
			// A fresh composer, as each digest run has: every distinct topic's query runs once.
			const composer = new DigestComposer(runtime.deps);
			const cpu = cpuMs();
			const t0 = performance.now();
			let papers = 0;
			for (const keywords of message.keywords) {
				papers += (await composer.papersFor({ keywords }, message.window)).length;
			}
			send({ type: "matched", seconds: (performance.now() - t0) / 1000, cpuMs: cpuMs() - cpu, papers });
		}
		if (message.type === "close") {
			await server.close();
			await runtime.close();
			process.exit(0);
		}
	});
	send({ type: "ready", url: server.url });
});
