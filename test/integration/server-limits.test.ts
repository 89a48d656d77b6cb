import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../../src/node/server.ts";
import { runCli } from "../helpers/cli.ts";
import { createTestRuntime, type TestRuntime } from "../helpers/runtime.ts";

let rt: TestRuntime;
let server: RunningServer;
let port: number;

beforeAll(async () => {
	rt = await createTestRuntime({
		HTTP_HEADERS_TIMEOUT_SECONDS: "1",
		HTTP_REQUEST_TIMEOUT_SECONDS: "2",
		HTTP_MAX_CONNECTIONS: "4",
		ADMIN_TOKEN: "admin-token-0123456789abcdef",
	});
	server = await startServer(rt, { port: 0, hostname: "127.0.0.1" });
	port = Number(new URL(server.url).port);
});
afterAll(async () => {
	await server?.close();
	await rt?.dispose();
});

/**
 * A client that connects, sends `head` at once and then `bytes` one every 200 ms;
 * `closed` resolves with what it heard and when.
 */
function dribbler(bytes: string, head = "") {
	const socket = connect(port, "127.0.0.1");
	const opened = Date.now();
	if (head) socket.write(head);
	let heard = "";
	socket.on("data", (d) => {
		heard += d.toString();
	});
	socket.on("error", () => undefined);
	let sent = 0;
	const timer = setInterval(() => {
		if (sent < bytes.length && !socket.destroyed) socket.write(bytes[sent++] ?? "");
	}, 200);
	const closed = new Promise<{ heard: string; afterMs: number }>((resolve) =>
		socket.on("close", () => {
			clearInterval(timer);
			resolve({ heard, afterMs: Date.now() - opened });
		}),
	);
	return { socket, closed };
}

const within = <T>(promise: Promise<T>, ms: number) =>
	Promise.race([
		promise,
		new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still open after ${ms} ms`)), ms)),
	]);

describe("slow clients", () => {
	it("a client dribbling its headers or its body is answered 408 and closed within seconds", async () => {
		const headers = dribbler(`GET / HTTP/1.1\r\nHost: paperboy.test\r\nX-Slow: ${"a".repeat(200)}\r\n\r\n`);
		const body = "email=slow%40example.org&keywords=diffusion".padEnd(2_000, "x");
		const request = `POST /subscribe HTTP/1.1\r\nHost: paperboy.test\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`;
		const slowBody = dribbler(body, request);
		const [h, b] = await within(Promise.all([headers.closed, slowBody.closed]), 10_000);
		expect(h.heard).toMatch(/^HTTP\/1\.1 408/);
		expect(b.heard).toMatch(/^HTTP\/1\.1 408/);
		expect(h.afterMs).toBeLessThan(6_000);
		expect(b.afterMs).toBeLessThan(6_000);
	});

	it("connections past HTTP_MAX_CONNECTIONS are closed at once, and the server answers again once they are gone", async () => {
		const idle: Socket[] = [];
		for (let i = 0; i < 4; i++) {
			const socket = connect(port, "127.0.0.1");
			socket.on("error", () => undefined);
			await new Promise((resolve) => socket.once("connect", resolve));
			idle.push(socket);
		}
		const extra = dribbler("GET /healthz HTTP/1.1\r\nHost: paperboy.test\r\n\r\n");
		const refused = await within(extra.closed, 2_000);
		expect(refused.heard).toBe("");
		for (const socket of idle) socket.destroy();
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
	});
});

describe("the admin endpoints", () => {
	it("answer a request without the right token 401 with a Bearer challenge", async () => {
		for (const authorization of [undefined, "Bearer wrong"]) {
			const res = await fetch(`${server.url}/admin/suppressions`, {
				method: "POST",
				headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
				body: JSON.stringify({ email: "a@example.org", reason: "bounce" }),
			});
			expect(res.status).toBe(401);
			expect(res.headers.get("www-authenticate")).toMatch(/^Bearer\b/);
		}
	});
});

describe("settings that protect nothing", () => {
	it("refuse to start: a SECRET of 32 spaces and a MAIL_FROM that is not an address, each with the reason", async () => {
		const result = await runCli(["stats"], {
			DATABASE_PATH: `${rt.dir}/never.db`,
			SECRET: " ".repeat(32),
			MAIL_FROM: "paperboy <digest@paperboy.test>\r\nBcc: everyone@example.org",
		});
		expect(result.code).not.toBe(0);
		expect(result.stderr).toContain("SECRET: looks guessable");
		expect(result.stderr).toContain("openssl rand -hex 32");
		expect(result.stderr).toContain("MAIL_FROM: must be an address, or a name and an address in <>");
		expect(result.stderr).not.toMatch(/^\s+at /m);
	});
});
