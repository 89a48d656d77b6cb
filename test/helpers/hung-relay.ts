import { connect, createServer, type Socket } from "node:net";

export interface HungRelay {
	port: number;
	url: string;
	/** Connections accepted so far. */
	readonly connections: number;
	/** Whether connection n (1-based) hangs; the others are passed to `forwardTo`, when set. */
	hang: (n: number) => boolean;
	close(): Promise<void>;
}

/**
 * A real TCP server in front of the SMTP sink that accepts a connection and then never
 * says a word (no greeting, no reply: a relay that hangs), for the connections `hang`
 * picks; the others are piped to the sink as they are.
 */
export async function startHungRelay(options: { forwardTo?: number; hang?: (n: number) => boolean } = {}) {
	const sockets = new Set<Socket>();
	let connections = 0;
	const relay = { hang: options.hang ?? (() => true) };
	const server = createServer((socket) => {
		const n = ++connections;
		sockets.add(socket);
		socket.on("close", () => sockets.delete(socket));
		socket.on("error", () => socket.destroy());
		if (relay.hang(n) || options.forwardTo === undefined) return;
		const upstream = connect({ host: "127.0.0.1", port: options.forwardTo });
		sockets.add(upstream);
		upstream.on("close", () => sockets.delete(upstream));
		upstream.on("error", () => socket.destroy());
		socket.pipe(upstream).pipe(socket);
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const port = (server.address() as { port: number }).port;
	const handle: HungRelay = {
		port,
		url: `smtp://127.0.0.1:${port}?tls=off`,
		get connections() {
			return connections;
		},
		get hang() {
			return relay.hang;
		},
		set hang(fn) {
			relay.hang = fn;
		},
		close: () =>
			new Promise<void>((resolve) => {
				for (const socket of sockets) socket.destroy();
				server.close(() => resolve());
			}),
	};
	return handle;
}
