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
	const { deps } = runtime;
	const app = createApp(deps.config, {
		deps: () => deps,
		clientIp: (c) => getConnInfo(c).remote.address,
		metrics: runtime.metrics,
	});
	return new Promise((resolve) => {
		const server = serve({ fetch: app.fetch, port: options.port, hostname: options.hostname ?? "0.0.0.0" }, (info) => {
			const { port } = info as AddressInfo;
			resolve({
				url: `http://${options.hostname && options.hostname !== "0.0.0.0" ? options.hostname : "localhost"}:${port}`,
				close: () =>
					new Promise<void>((done) => {
						// Requests in progress get a few seconds to finish; open keep-alive
						// sockets (a browser tab) would otherwise hold close() open for a minute.
						const force = setTimeout(() => {
							if ("closeAllConnections" in server) server.closeAllConnections();
						}, 5_000);
						server.close(() => {
							clearTimeout(force);
							done();
						});
						if ("closeIdleConnections" in server) server.closeIdleConnections();
					}),
			});
		});
	});
}
