import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { getConnInfo } from "@hono/node-server/conninfo";
import { createApp } from "../core/web/app.tsx";
import type { NodeRuntime } from "./runtime.ts";

export interface RunningServer {
	url: string;
	close(): Promise<void>;
}

/** Serves the web app over HTTP; port 0 picks a free port (tests). */
export function startServer(
	runtime: NodeRuntime,
	options: { port: number; hostname?: string },
): Promise<RunningServer> {
	const app = createApp(runtime.deps, { clientIp: (c) => getConnInfo(c).remote.address });
	return new Promise((resolve) => {
		const server = serve({ fetch: app.fetch, port: options.port, hostname: options.hostname ?? "0.0.0.0" }, (info) => {
			const { port } = info as AddressInfo;
			resolve({
				url: `http://${options.hostname && options.hostname !== "0.0.0.0" ? options.hostname : "localhost"}:${port}`,
				close: () =>
					new Promise<void>((done) => {
						server.close(() => done());
						// Keep-alive sockets would hold close() open until they time out.
						if ("closeIdleConnections" in server) server.closeIdleConnections();
					}),
			});
		});
	});
}
