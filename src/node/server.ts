import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { getConnInfo } from "@hono/node-server/conninfo";
import { AppError } from "../core/errors.ts";
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
	const { http } = deps.config;
	const app = createApp(deps.config, {
		deps: () => deps,
		clientIp: (c) => getConnInfo(c).remote.address,
		metrics: runtime.metrics,
	});
	return new Promise((resolve, reject) => {
		const serverOptions = {
			// A client has this long to send its headers, and its whole request; past it, 408.
			headersTimeout: http.headersTimeoutSeconds * 1000,
			requestTimeout: http.requestTimeoutSeconds * 1000,
			// How often Node looks for connections past those limits (its default is 30 s).
			connectionsCheckingInterval: 1000,
		};
		const hostname = options.hostname ?? "0.0.0.0";
		const server = serve({ fetch: app.fetch, port: options.port, hostname, serverOptions }, (info) => {
			const { port } = info as AddressInfo;
			resolve({
				url: `http://${hostname !== "0.0.0.0" ? hostname : "localhost"}:${port}`,
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
		// Connections past this are closed as they arrive: a flood of slow clients cannot
		// take every socket the process may open.
		server.maxConnections = http.maxConnections;
		// Listening failed: one line a person can act on rather than a stack trace.
		server.once("error", (error: NodeJS.ErrnoException) => reject(listenError(error, options.port)));
	});
}

function listenError(error: NodeJS.ErrnoException, port: number): Error {
	if (error.code === "EADDRINUSE") {
		return new AppError(
			"unavailable",
			`port ${port} is already in use (is paperboy running already?): stop what listens there, or set PORT to a free port`,
		);
	}
	if (error.code === "EACCES") {
		return new AppError("unavailable", `not allowed to listen on port ${port}: use a port above 1023, or set PORT`);
	}
	return error;
}
