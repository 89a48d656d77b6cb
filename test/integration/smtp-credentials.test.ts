import { createServer, type Server } from "node:net";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { runDigest } from "../../src/core/jobs/run-job.ts";
import { hours } from "../helpers/clock.ts";
import { addReaders } from "../helpers/readers.ts";
import { createTestRuntime, type TestRuntime } from "../helpers/runtime.ts";

/**
 * A relay that offers no STARTTLS (as a hostile or misconfigured one may) and records
 * every line a client sends it, passwords included. `auth` is what its EHLO offers.
 */
function plainRelay() {
	const relay = { auth: undefined as string | undefined, lines: [] as string[], port: 0 };
	const server: Server = createServer((socket) => {
		let inData = false;
		let buffer = "";
		socket.write("220 relay.test ESMTP\r\n");
		socket.on("data", (chunk) => {
			buffer += chunk.toString("latin1");
			for (let end = buffer.indexOf("\r\n"); end >= 0; end = buffer.indexOf("\r\n")) {
				const line = buffer.slice(0, end);
				buffer = buffer.slice(end + 2);
				if (inData) {
					if (line === ".") {
						inData = false;
						socket.write("250 queued\r\n");
					}
					continue;
				}
				relay.lines.push(line);
				const verb = line.split(" ")[0]?.toUpperCase();
				if (verb === "EHLO")
					socket.write(`250-relay.test\r\n${relay.auth ? `250-AUTH ${relay.auth}\r\n` : ""}250 PIPELINING\r\n`);
				else if (verb === "AUTH") socket.write("235 accepted\r\n");
				else if (verb === "DATA") {
					inData = true;
					socket.write("354 go on\r\n");
				} else if (verb === "QUIT") socket.end("221 bye\r\n");
				else socket.write("250 ok\r\n");
			}
		});
		socket.on("error", () => undefined);
	});
	return { relay, server };
}

const { relay, server } = plainRelay();
let rt: TestRuntime | undefined;
beforeAll(async () => {
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	relay.port = (server.address() as { port: number }).port;
});
afterEach(async () => {
	await rt?.dispose();
	rt = undefined;
	relay.lines.length = 0;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const password = "s3cret-pass";
const plainToken = Buffer.from(`\u0000mailer\u0000${password}`).toString("base64");

/** One reader whose topics match the seed papers, and a weekly digest sent through the relay. */
async function digestThrough(query: string) {
	rt = await createTestRuntime({ SMTP_URL: `smtp://mailer:${password}@127.0.0.1:${relay.port}${query}` });
	rt.clock.advance(hours(1));
	await addReaders(rt, { "ann@example.org": "state space models" });
	const summary = await runDigest(rt.deps, ["weekly"]);
	const delivery = await rt.deps.db.selectFrom("deliveries").select(["status", "last_error"]).executeTakeFirstOrThrow();
	return { summary, delivery };
}

it("never sends the SMTP password over a connection without TLS, and says why", async () => {
	for (const offered of ["PLAIN LOGIN", undefined]) {
		relay.auth = offered;
		const { summary, delivery } = await digestThrough("");
		const sent = relay.lines.join("\n");
		expect(sent, String(offered)).not.toMatch(/^AUTH/im);
		expect(sent).not.toContain(plainToken);
		expect(sent).not.toContain(Buffer.from(password).toString("base64"));
		expect(sent).not.toMatch(/^MAIL FROM/im);
		expect(summary).toMatchObject({ sent: 0 });
		expect(delivery.status).not.toBe("sent");
		expect(delivery.last_error).toContain("not sending the password in clear (add ?tls=off to SMTP_URL to allow it)");
		await rt?.dispose();
		rt = undefined;
		relay.lines.length = 0;
	}
});

it("sends it in clear only when SMTP_URL says ?tls=off, and never when the relay offers no AUTH", async () => {
	relay.auth = "PLAIN";
	const { delivery } = await digestThrough("?tls=off");
	expect(relay.lines).toContain(`AUTH PLAIN ${plainToken}`);
	expect(delivery.status).toBe("sent");
	await rt?.dispose();
	rt = undefined;
	relay.lines.length = 0;

	relay.auth = undefined;
	const silent = await digestThrough("?tls=off");
	expect(relay.lines.join("\n")).not.toMatch(/^AUTH/im);
	expect(silent.delivery.last_error).toContain("offers no AUTH PLAIN or LOGIN (offered: none)");
});
