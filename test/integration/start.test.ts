import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { freePort } from "../helpers/free-port.ts";
import { startServerProcess } from "../helpers/server-process.ts";

const repo = fileURLToPath(new URL("../../", import.meta.url));
let dir: string;

beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), "paperboy-start-"));
});
afterAll(() => {
	rmSync(dir, { recursive: true, force: true });
});

/** Whether something accepts connections on 127.0.0.1:port. */
const accepts = (port: number) =>
	new Promise<boolean>((resolve) => {
		fetch(`http://127.0.0.1:${port}/healthz`).then(
			() => resolve(true),
			() => resolve(false),
		);
	});

it("SIGTERM to the process `npm start` created frees the port and exits 0 within 10 s", async () => {
	const port = await freePort();
	const server = startServerProcess(
		{ PORT: String(port), DATABASE_PATH: join(dir, "npm-start", "paperboy.db"), INGEST_SOURCES: "none" },
		{ file: "npm", args: ["start", "--silent"], cwd: repo },
	);
	await server.listening;
	expect(await accepts(port)).toBe(true);

	const sent = Date.now();
	server.child.kill("SIGTERM");
	const code = await Promise.race([server.exited, new Promise((r) => setTimeout(() => r("still running"), 10_000))]);
	expect(code, server.log()).toBe(0);
	expect(Date.now() - sent).toBeLessThan(10_000);
	// The server itself stopped, not just npm: nothing listens any more.
	expect(await accepts(port)).toBe(false);
	expect(server.log()).toContain('shutting down {"signal":"SIGTERM"}');
}, 60_000);

it("a second server on a busy port says so in one line and exits 1", async () => {
	const port = await freePort();
	const busy: Server = createServer();
	await new Promise<void>((resolve) => busy.listen(port, "0.0.0.0", resolve));
	try {
		const server = startServerProcess({
			PORT: String(port),
			DATABASE_PATH: join(dir, "busy", "paperboy.db"),
			INGEST_SOURCES: "none",
			LOG_LEVEL: "warn",
		});
		expect(await server.exited).toBe(1);
		expect(server.log().trim().split("\n")).toEqual([
			`paperboy: port ${port} is already in use (is paperboy running already?): stop what listens there, or set PORT to a free port`,
		]);
	} finally {
		busy.close();
	}
}, 30_000);
